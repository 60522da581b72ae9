"""The standard durations of back-scheduling (倒排工期): days from the previous milestone,
in the fixed order, to each kind but the first."""

from __future__ import annotations

import json

from ..enums import MilestoneKind as K
from ..errors import Refused
from .store import read, write

DURATIONS_KEY = "milestone_durations"

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
#: The longest number of days a duration (or a day threshold of the warnings) may be.
MAX_DURATION = 3650


def duration_field(kind: K) -> str:
    """The name of a duration's form field (and of a refusal's ``field``)."""
    return f"after_{kind.name.lower()}"


def get_durations() -> dict[K, int]:
    """Days from the previous milestone to each kind but the first, in the fixed order."""
    durations = dict(DEFAULT_DURATIONS)
    stored = read(DURATIONS_KEY)
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
    write(DURATIONS_KEY, json.dumps({k.label: d for k, d in merged.items()}, ensure_ascii=False))
    return merged
