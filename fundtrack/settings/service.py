"""Reading and changing the settings; every change goes into the change history.

Without a stored value a setting has its default: the standard durations below, and the
tendering threshold of the configuration (``FUNDTRACK_TENDER_THRESHOLD``).
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import current_app

from ..database import lock_name
from ..enums import MilestoneKind as K
from ..errors import Refused
from ..extensions import db
from ..history.service import record, snapshot
from ..money import MoneyError, parse_money
from .models import Setting

DURATIONS_KEY = "milestone_durations"
THRESHOLD_KEY = "tender_threshold"

#: Standard days from the previous milestone (in the fixed order) to this one.
DEFAULT_DURATIONS: dict[K, int] = {
    K.DESIGNED: 20,  # 立项入库 → 设计预算完成
    K.REVIEWED: 10,  # → 项目评审
    K.TENDERED: 25,  # → 招标完成
    K.STARTED: 10,  # → 开工
    K.COMPLETED: 90,  # 开工 → 完工
    K.ACCEPTED: 15,  # 完工 → 验收
    K.SETTLED: 30,  # 验收 → 报账
}
#: The kinds that have a duration: every kind but the first.
DURATION_KINDS: tuple[K, ...] = tuple(DEFAULT_DURATIONS)
MAX_DURATION = 3650


def duration_field(kind: K) -> str:
    """The name of a duration's form field (and of a refusal's ``field``)."""
    return f"after_{kind.name.lower()}"


def _get(key: str) -> str | None:
    return db.session.scalar(db.select(Setting.value).where(Setting.key == key))


def _put(key: str, value: str) -> None:
    lock_name("setting", key)
    setting = db.session.get(Setting, key)
    if setting is not None and setting.value == value:
        return
    before = snapshot(setting) if setting is not None else None
    if setting is None:
        setting = Setting(key=key, value=value)
        db.session.add(setting)
    else:
        setting.value = value
    record("insert" if before is None else "update", setting, before)


# --- standard durations of back-scheduling ----------------------------------------------


def get_durations() -> dict[K, int]:
    """Days from the previous milestone to each kind but the first, in the fixed order."""
    durations = dict(DEFAULT_DURATIONS)
    stored = _get(DURATIONS_KEY)
    if stored:
        for label, days in json.loads(stored).items():
            try:
                kind = K.from_text(label)
            except ValueError:
                continue
            if kind in durations:
                durations[kind] = int(days)
    return durations


def set_durations(durations: dict[K, int]) -> dict[K, int]:
    """Change the standard durations given (the others keep theirs)."""
    merged = get_durations()
    for kind, days in durations.items():
        if kind not in merged:
            raise Refused(f"「{kind.label}」是第一个节点,没有前序工期", duration_field(kind))
        if isinstance(days, bool) or not isinstance(days, int):
            raise Refused(f"「{kind.label}」的工期应为整数天数", duration_field(kind))
        if not 0 <= days <= MAX_DURATION:
            raise Refused(
                f"「{kind.label}」的工期应在 0 到 {MAX_DURATION} 天之间", duration_field(kind)
            )
        merged[kind] = days
    _put(DURATIONS_KEY, json.dumps({k.label: d for k, d in merged.items()}, ensure_ascii=False))
    return merged


# --- tendering threshold ------------------------------------------------------------------


def tender_threshold() -> Decimal:
    """A single project above this total investment (yuan) must be tendered (招标)."""
    stored = _get(THRESHOLD_KEY)
    if stored is not None:
        return Decimal(stored)
    return Decimal(current_app.config["FUNDTRACK_TENDER_THRESHOLD"])


def set_tender_threshold(amount) -> Decimal:
    try:
        value = parse_money(amount)
    except MoneyError as e:
        raise Refused(str(e), "tender_threshold") from None
    if value < 0:
        raise Refused("招标限额不能为负数", "tender_threshold")
    _put(THRESHOLD_KEY, str(value))
    return value


# --- public disclosure (公示): the complaint phone and public address of the notices -------

COMPLAINT_PHONE_KEY = "complaint_phone"
PUBLIC_URL_KEY = "public_url"
#: Digits with the separators a phone number is written with; several numbers may be
#: given, separated by 、 or a comma (e.g. "0396-1234567、12345").
_PHONE_CHARS = frozenset("0123456789-()()+ 、,,/")


def complaint_phone() -> str:
    """监督举报电话 printed on every disclosure notice ("" when not set yet)."""
    return _get(COMPLAINT_PHONE_KEY) or ""


def set_complaint_phone(text) -> str:
    value = " ".join(str(text or "").split())
    if len(value) > 50:
        raise Refused("监督举报电话不能超过50个字符", COMPLAINT_PHONE_KEY)
    if value and (not set(value) <= _PHONE_CHARS or not any(c.isdigit() for c in value)):
        raise Refused("监督举报电话只能包含数字、“-”、括号和分隔号", COMPLAINT_PHONE_KEY)
    if value or _get(COMPLAINT_PHONE_KEY) is not None:
        _put(COMPLAINT_PHONE_KEY, value)
    return value


def public_url() -> str:
    """公示网址: the address the public reaches the app at (e.g. "https://gs.example.gov.cn"),
    which the QR codes of the notices lead to; "" for the address of the request."""
    return _get(PUBLIC_URL_KEY) or ""


def set_public_url(text) -> str:
    value = str(text or "").strip().rstrip("/")
    if value:
        scheme, sep, rest = value.partition("://")
        if scheme.lower() not in ("http", "https") or not sep or not rest \
                or any(c.isspace() for c in value) or len(value) > 200:
            raise Refused("公示网址应以 http:// 或 https:// 开头,例如 https://gs.example.gov.cn",
                          PUBLIC_URL_KEY)
    if value or _get(PUBLIC_URL_KEY) is not None:
        _put(PUBLIC_URL_KEY, value)
    return value
