"""Reading and changing the settings; every change goes into the change history.

Without a stored value a setting has its default: the standard durations below, and the
tendering threshold of the configuration (``FUNDTRACK_TENDER_THRESHOLD``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal

from flask import current_app

from ..database import lock_name
from ..enums import MilestoneKind as K
from ..errors import Refused
from ..extensions import db
from ..history.service import record, snapshot
from ..money import RATE_PLACES, MoneyError, parse_money
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


# --- warning thresholds (预警阈值) -----------------------------------------------------
# Kept in one JSON setting; read by fundtrack.warnings. Each boundary is exact and the
# rule that uses it says so in its docstring (fundtrack/warnings/rules.py).

WARNINGS_KEY = "warning_thresholds"


@dataclass(frozen=True)
class WarningThresholds:
    #: Red when a milestone is overdue by MORE than this many days (day N is not red).
    overdue_days: int = 30
    #: Blue when a milestone not done is planned within this many days from D (0..N).
    due_soon_days: int = 7
    #: Yellow when, after 完工, the spending rate is BELOW this rate (equal is fine).
    completed_spending_rate: Decimal = Decimal("0.6000")
    #: Yellow (资金沉淀) when unspent arrived money has sat MORE than this many days.
    idle_days: int = 90
    #: Yellow when 开工 is not done MORE than this many days after the first allocation.
    start_after_allocation_days: int = 60
    #: Yellow when 报账 is not done MORE than this many days after 完工.
    settle_after_completion_days: int = 60


#: Field name → Chinese label, in the order of the settings page.
WARNING_FIELDS: dict[str, str] = {
    "overdue_days": "节点逾期超过(天)标红",
    "due_soon_days": "节点计划日期在未来(天)内标蓝",
    "completed_spending_rate": "完工后支出率低于(%)标黄",
    "idle_days": "资金沉淀超过(天)标黄",
    "start_after_allocation_days": "资金安排后未开工超过(天)标黄",
    "settle_after_completion_days": "完工后未报账超过(天)标黄",
}


def get_warning_thresholds() -> WarningThresholds:
    """The stored thresholds, defaults for any not stored (one statement)."""
    stored = _get(WARNINGS_KEY)
    values = json.loads(stored) if stored else {}
    out = {}
    for name in WARNING_FIELDS:
        if name not in values:
            continue
        out[name] = Decimal(values[name]) if name == "completed_spending_rate" \
            else int(values[name])
    return WarningThresholds(**out)


def _check_days(name: str, days) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise Refused(f"「{WARNING_FIELDS[name]}」应为整数天数", name)
    if not 0 <= days <= MAX_DURATION:
        raise Refused(f"「{WARNING_FIELDS[name]}」应在 0 到 {MAX_DURATION} 天之间", name)
    return days


def _check_rate(value) -> Decimal:
    """A rate as a fraction (0.6) from a Decimal, or from a percentage text ("60", "60%")."""
    name = "completed_spending_rate"
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            value = Decimal(text) / 100
        except ArithmeticError:
            raise Refused(f"「{value}」不是有效的百分比", name) from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise Refused("支出率阈值应为百分比数字", name)
    if not 0 <= value <= 1:
        raise Refused("支出率阈值应在 0% 到 100% 之间", name)
    if value != value.quantize(RATE_PLACES):
        raise Refused("支出率阈值最多两位小数(如 62.50%)", name)
    return value.quantize(RATE_PLACES)


def set_warning_thresholds(changes: dict) -> WarningThresholds:
    """Change the thresholds given (the others keep theirs). Writes nothing when nothing
    changes; otherwise one change-history row with before and after."""
    current = get_warning_thresholds()
    values = {}
    for name, value in changes.items():
        if name not in WARNING_FIELDS:
            raise Refused(f"没有「{name}」这项预警阈值", name)
        values[name] = _check_rate(value) if name == "completed_spending_rate" \
            else _check_days(name, value)
    merged = replace(current, **values)
    if merged != current:
        _put(WARNINGS_KEY, json.dumps(
            {name: str(getattr(merged, name)) if name == "completed_spending_rate"
             else getattr(merged, name) for name in WARNING_FIELDS}, ensure_ascii=False))
    return merged


# --- 重点村占比 targets (priority-area shares; charts) --------------------------------------

CHANNEL_SHARE_KEY = "priority_share_channel"
UNIT_SHARE_KEY = "priority_share_unit"
#: Share of a channel's allocations that should go to priority villages (e.g. "over 90%
#: of poverty funds to the poorest areas"), and of a unit's ("at least 40%").
DEFAULT_CHANNEL_SHARE = Decimal("0.9000")
DEFAULT_UNIT_SHARE = Decimal("0.4000")
SHARE_FIELDS = {CHANNEL_SHARE_KEY: "channel_share_target", UNIT_SHARE_KEY: "unit_share_target"}


def share_targets() -> tuple[Decimal, Decimal]:
    """(channel target, unit target) as rates (0.9000), stored or default."""
    def get(key, default):
        stored = _get(key)
        return Decimal(stored) if stored is not None else default

    return get(CHANNEL_SHARE_KEY, DEFAULT_CHANNEL_SHARE), get(UNIT_SHARE_KEY, DEFAULT_UNIT_SHARE)


def parse_percent(text, field: str) -> Decimal:
    """``"90"`` or ``"87.5%"`` (a percentage, at most two decimals) → ``Decimal("0.9000")``."""
    raw = str(text if text is not None else "").strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except ArithmeticError:
        raise Refused(f"「{text}」不是有效的百分比", field) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise Refused("百分比最多两位小数", field)
    if not 0 <= value <= 100:
        raise Refused("应在 0 到 100 之间", field)
    return (value / 100).quantize(Decimal("0.0001"))


def set_share_targets(channel=None, unit=None) -> tuple[Decimal, Decimal]:
    """Set the targets from percentages as typed (``"90"``); an empty one is left as it
    is, and a value equal to the one in force is not written (no history row)."""
    current = dict(zip((CHANNEL_SHARE_KEY, UNIT_SHARE_KEY), share_targets(), strict=True))
    for key, text in ((CHANNEL_SHARE_KEY, channel), (UNIT_SHARE_KEY, unit)):
        if text is None or not str(text).strip():
            continue
        value = parse_percent(text, SHARE_FIELDS[key])
        if value != current[key]:
            _put(key, str(value))
            current[key] = value
    return current[CHANNEL_SHARE_KEY], current[UNIT_SHARE_KEY]


def percent_text(value: Decimal) -> str:
    """``Decimal("0.9000")`` → ``"90"``; ``0.8750`` → ``"87.5"`` (as the form shows it)."""
    text = f"{(value * 100).quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
