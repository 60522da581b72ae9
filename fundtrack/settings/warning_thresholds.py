"""The warning thresholds (预警阈值), kept in one JSON setting and read by
fundtrack.warnings. Each boundary is exact and the rule that uses it says so in its
docstring (fundtrack/warnings/rules.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal

from ..errors import Refused
from .durations import MAX_DURATION
from .percent import parse_percent
from .store import read, write

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
    #: Yellow when no asset is handed over MORE than this many days after 报账.
    handover_after_settlement_days: int = 90


#: Field name → Chinese label, in the order of the settings page.
WARNING_FIELDS: dict[str, str] = {
    "overdue_days": "节点逾期超过(天)标红",
    "due_soon_days": "节点计划日期在未来(天)内标蓝",
    "completed_spending_rate": "完工后支出率低于(%)标黄",
    "idle_days": "资金沉淀超过(天)标黄",
    "start_after_allocation_days": "资金安排后未开工超过(天)标黄",
    "settle_after_completion_days": "完工后未报账超过(天)标黄",
    "handover_after_settlement_days": "报账后资产未移交超过(天)标黄",
}


def get_warning_thresholds() -> WarningThresholds:
    """The stored thresholds, defaults for any not stored (one statement)."""
    stored = read(WARNINGS_KEY)
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


def set_warning_thresholds(changes: dict) -> WarningThresholds:
    """Change the thresholds given (the others keep theirs). Writes nothing when nothing
    changes; otherwise one change-history row with before and after."""
    current = get_warning_thresholds()
    values = {}
    for name, value in changes.items():
        if name not in WARNING_FIELDS:
            raise Refused(f"没有「{name}」这项预警阈值", name)
        values[name] = parse_percent(value, name, "支出率阈值") \
            if name == "completed_spending_rate" else _check_days(name, value)
    merged = replace(current, **values)
    if merged != current:
        write(WARNINGS_KEY, json.dumps(
            {name: str(getattr(merged, name)) if name == "completed_spending_rate"
             else getattr(merged, name) for name in WARNING_FIELDS}, ensure_ascii=False))
    return merged
