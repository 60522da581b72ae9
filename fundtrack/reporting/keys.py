"""This instance's signing key (Ed25519): created once into the data folder, readable
by its owner only; the app signs with it and never prints or exports it. Only the
public key (32 bytes, base64) leaves the instance."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

from ..errors import Refused

FILENAME = "signing_key.pem"


def key_path() -> Path:
    return Path(current_app.instance_path) / FILENAME


def public_text(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def generate(*, replace: bool = False) -> str:
    """Create the key file (owner-only) and return the public key's text. An existing
    key is kept unless ``replace``: packages signed with it would no longer match."""
    path = key_path()
    if path.exists() and not replace:
        raise Refused(f"签名密钥已存在({path});如确需更换,请加 --replace"
                      "(更换后须把新公钥交上级重新登记)", "key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return public_text(key.public_key())


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        raise Refused("本实例还没有签名密钥:请先运行 fundtrack keygen", "key")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise Refused(f"签名密钥文件 {path} 不是 Ed25519 私钥", "key")
    return key


def own_public_key() -> str | None:
    """The public key of this instance, or None before keygen."""
    return public_text(private_key().public_key()) if key_path().exists() else None


def sign(data: bytes) -> str:
    return base64.b64encode(private_key().sign(data)).decode("ascii")


def parse_public(text: str) -> Ed25519PublicKey:
    """A public key as keygen prints it; Refused when it is not one."""
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise Refused("公钥格式不对:应为 fundtrack keygen 打印的一行(44 个字符)",
                      "public_key") from None


def verify(public_key: str, signature: str, data: bytes) -> bool:
    try:
        sig = base64.b64decode(signature or "", validate=True)
        parse_public(public_key).verify(sig, data)
    except (binascii.Error, ValueError, InvalidSignature, Refused):
        return False
    return True
