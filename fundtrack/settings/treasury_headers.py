"""The county's names for the treasury export's columns (对账表头对应): when its
预算管理一体化 export heads a column otherwise (凭证编号 for 支付凭证号), the mapping says
which of our columns it is. Stored as one JSON object, their header → our key."""

from __future__ import annotations

import json

from ..errors import Refused
from ..fields import normalize
from .store import read, write

TREASURY_HEADERS_KEY = "treasury_headers"
#: Our columns a header may be mapped to, by key (treasury/reading.py's COLUMNS).
TREASURY_KEYS = ("voucher_no", "paid_on", "amount", "payee", "payee_account",
                 "budget_subject", "document_no")
MAX_HEADER = 100


def treasury_headers() -> dict[str, str]:
    """Their header → our column key; {} when none was saved."""
    text = read(TREASURY_HEADERS_KEY)
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items() if v in TREASURY_KEYS} \
        if isinstance(value, dict) else {}


def set_treasury_headers(mapping: dict[str, str | None]) -> dict[str, str]:
    """Save the mapping: for each of our keys, the export's header that holds it (None
    or "" for our own name). Refuses a header given for two columns, or too long."""
    saved: dict[str, str] = {}
    for key, header in mapping.items():
        if key not in TREASURY_KEYS:
            raise Refused(f"未知的对账列「{key}」", key)
        text = normalize(str(header or ""))
        if not text:
            continue
        if len(text) > MAX_HEADER:
            raise Refused(f"表头不能超过 {MAX_HEADER} 个字符", key)
        if text in saved:
            raise Refused(f"表头「{text}」不能同时对应两列", key)
        saved[text] = key
    value = json.dumps(saved, ensure_ascii=False, sort_keys=True)
    if saved or read(TREASURY_HEADERS_KEY) is not None:
        write(TREASURY_HEADERS_KEY, value)
    return saved
