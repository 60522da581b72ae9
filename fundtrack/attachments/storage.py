"""The stored documents' bytes: content-addressed files under FUNDTRACK_FILES.

A file is kept at ``<root>/<sha[:2]>/<sha>``, written to a temporary file in the same
folder tree and renamed into place, never overwritten or deleted: the same bytes
uploaded twice are stored once. Names given by users never become paths. Every file is
read in chunks (memory stays flat whatever the size), and its type is decided by its
content (``sniff``), not by its name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..errors import Refused

CHUNK = 1024 * 1024

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
OFD = "application/ofd"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Shown in the browser rather than downloaded: only these, and only by their checked type.
INLINE = frozenset({PDF, JPEG, PNG})
#: What the public project page may show of a 公示照片: images only.
PUBLIC_IMAGES = frozenset({JPEG, PNG})
ACCEPTED = "PDF、JPEG、PNG、OFD、XLSX、DOCX"

_EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe",
                b"\xce\xfa\xed\xfe")
_ARCHIVES = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def root() -> Path:
    """The folder of the stored documents (FUNDTRACK_FILES, made at first use)."""
    return Path(current_app.config["FUNDTRACK_FILES"])


def path_of(sha256: str, base: Path | None = None) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return (base or root()) / sha256[:2] / sha256


def sniff(path: Path) -> str:
    """The type the content proves, or Refused with a Chinese message saying why not."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            names = set()
        if "OFD.xml" in names:
            return OFD
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        raise Refused(f"文件内容是压缩包,不能作为要件上传(只接受 {ACCEPTED})", "file")
    if head.startswith(_EXECUTABLES):
        raise Refused(f"文件内容是可执行程序,不能作为要件上传(只接受 {ACCEPTED})", "file")
    if head.startswith(_ARCHIVES):
        raise Refused(f"文件内容是压缩包,不能作为要件上传(只接受 {ACCEPTED})", "file")
    if not head:
        raise Refused("文件是空的", "file")
    raise Refused(f"无法识别文件内容的类型(只接受 {ACCEPTED})", "file")


@dataclass
class Stored:
    sha256: str
    size: int
    content_type: str


def store(stream, limit: int) -> Stored:
    """Keep the bytes of ``stream``: hashed while written to a temporary file, checked
    (size, type), then renamed to their address. Refused leaves nothing behind."""
    base = root()
    incoming = base / "tmp"
    incoming.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise Refused(
                        f"文件超过大小上限 {limit // (1024 * 1024)} MB", "file")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        content_type = sniff(tmp)
        sha = digest.hexdigest()
        target = path_of(sha, base)
        target.parent.mkdir(parents=True, exist_ok=True)
        # the same bytes are kept once; an existing file is never overwritten (a link
        # fails when the name exists, where a rename would replace it)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, target)
        return Stored(sha, size, content_type)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def hash_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def problem(sha256: str, base: Path | None = None) -> str | None:
    """None when the stored file still matches its hash; else what is wrong, in Chinese."""
    path = path_of(sha256, base)
    try:
        actual = hash_of(path)
    except FileNotFoundError:
        return "文件缺失"
    except OSError as e:
        return f"无法读取:{e.strerror or e}"
    return None if actual == sha256 else f"内容与登记的 SHA-256 不符(现为 {actual[:12]}…)"


def problems(hashes: Iterable[str], base: Path | None = None) -> dict[str, str]:
    """Each hash whose file differs or is missing, with what is wrong."""
    found = {}
    for sha in sorted(set(hashes)):
        p = problem(sha, base)
        if p:
            found[sha] = p
    return found


def copy_into(sha256: str, source_base: Path, target_base: Path) -> None:
    """Copy one stored file between two stores (backup, restore), temp file and rename."""
    src = path_of(sha256, source_base)
    dst = path_of(sha256, target_base)
    if dst.exists() and hash_of(dst) == sha256:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dst.parent, prefix=".copy-")
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # never overwritten
            os.link(tmp_name, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
