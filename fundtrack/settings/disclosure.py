"""What the public disclosure notices (公示) print: the complaint phone (监督举报电话) and
the public address (公示网址) their QR codes lead to."""

from __future__ import annotations

from ..errors import Refused
from .store import read, write

COMPLAINT_PHONE_KEY = "complaint_phone"
PUBLIC_URL_KEY = "public_url"
#: Digits with the separators a phone number is written with; several numbers may be
#: given, separated by 、 or a comma (e.g. "0396-1234567、12345").
_PHONE_CHARS = frozenset("0123456789-()()+ 、,,/")


def complaint_phone() -> str:
    """监督举报电话 printed on every disclosure notice ("" when not set yet)."""
    return read(COMPLAINT_PHONE_KEY) or ""


def set_complaint_phone(text) -> str:
    value = " ".join(str(text or "").split())
    if len(value) > 50:
        raise Refused("监督举报电话不能超过50个字符", COMPLAINT_PHONE_KEY)
    if value and (not set(value) <= _PHONE_CHARS or not any(c.isdigit() for c in value)):
        raise Refused("监督举报电话只能包含数字、“-”、括号和分隔号", COMPLAINT_PHONE_KEY)
    if value or read(COMPLAINT_PHONE_KEY) is not None:
        write(COMPLAINT_PHONE_KEY, value)
    return value


def public_url() -> str:
    """公示网址: the address the public reaches the app at (e.g. "https://gs.example.gov.cn"),
    which the QR codes of the notices lead to; "" for the address of the request."""
    return read(PUBLIC_URL_KEY) or ""


def set_public_url(text) -> str:
    value = str(text or "").strip().rstrip("/")
    if value:
        scheme, sep, rest = value.partition("://")
        if scheme.lower() not in ("http", "https") or not sep or not rest \
                or any(c.isspace() for c in value) or len(value) > 200:
            raise Refused("公示网址应以 http:// 或 https:// 开头,例如 https://gs.example.gov.cn",
                          PUBLIC_URL_KEY)
    if value or read(PUBLIC_URL_KEY) is not None:
        write(PUBLIC_URL_KEY, value)
    return value
