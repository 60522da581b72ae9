"""The year's warning thresholds (结存与项目结余预警), kept in one JSON setting of their
own and read by fundtrack.warnings (warnings/carryover.py): the idle money that warns
(结存1年以上 / 2年以上) and the days a settled project may keep its leftover
(报账后结余未调减). Each boundary is exact; the rule that uses it says so."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal

from ..errors import Refused
from ..money import MoneyError, parse_money
from .durations import MAX_DURATION
from .store import read, write

YEAR_THRESHOLDS_KEY = "year_thresholds"


@dataclass(frozen=True)
class YearThresholds:
    #: 结存1年以上 (yellow) / 2年以上 (red) when a channel's money of that age is MORE
    #: than this amount (yuan; 0: any idle money of that age warns, a fen does).
    idle_amount: Decimal = Decimal("0.00")
    #: 报账后结余未调减 when 报账 was done MORE than this many days before D.
    leftover_days: int = 30


#: Field name → Chinese label, in the order of the settings page.
YEAR_FIELDS: dict[str, str] = {
    "idle_amount": "结存1年、2年以上资金超过(元)预警",
    "leftover_days": "报账后结余未调减超过(天)标黄",
}


def get_year_thresholds() -> YearThresholds:
    """The stored thresholds, defaults for any not stored (one statement)."""
    stored = read(YEAR_THRESHOLDS_KEY)
    values = json.loads(stored) if stored else {}
    out = {}
    if "idle_amount" in values:
        out["idle_amount"] = Decimal(values["idle_amount"])
    if "leftover_days" in values:
        out["leftover_days"] = int(values["leftover_days"])
    return YearThresholds(**out)


def _check(name: str, value):
    label = YEAR_FIELDS[name]
    if name == "idle_amount":
        try:
            amount = parse_money(value)
        except MoneyError as e:
            raise Refused(f"「{label}」{e}", name) from None
        if amount < 0:
            raise Refused(f"「{label}」不能为负数", name)
        return amount
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"「{label}」应为整数天数", name)
    if not 0 <= value <= MAX_DURATION:
        raise Refused(f"「{label}」应在 0 到 {MAX_DURATION} 天之间", name)
    return value


def set_year_thresholds(changes: dict) -> YearThresholds:
    """Change the thresholds given (the others keep theirs). Writes nothing when nothing
    changes; otherwise one change-history row with before and after."""
    current = get_year_thresholds()
    values = {}
    for name, value in changes.items():
        if name not in YEAR_FIELDS:
            raise Refused(f"没有「{name}」这项预警阈值", name)
        values[name] = _check(name, value)
    merged = replace(current, **values)
    if merged != current:
        write(YEAR_THRESHOLDS_KEY, json.dumps(
            {"idle_amount": str(merged.idle_amount), "leftover_days": merged.leftover_days},
            ensure_ascii=False))
    return merged
