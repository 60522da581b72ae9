"""倒排工期 and the timeline: planned dates proposed backwards from a completion deadline,
and planned against actual dates laid out on a chart.

Pure functions, no database: the standard durations come from settings.service, the
milestones and their status from the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..enums import MilestoneKind

#: The milestone whose planned date is the deadline.
DEADLINE_KIND = MilestoneKind.COMPLETED


def propose(
    deadline: dt.date, durations: Mapping[MilestoneKind, int]
) -> dict[MilestoneKind, dt.date]:
    """Planned dates of every milestone kind, in the fixed order, from the 完工 deadline.

    ``durations[k]`` is the number of days from the milestone before ``k`` in the fixed
    order to ``k`` (every kind but the first has one). The kinds before 完工 are
    scheduled backwards from the deadline (倒排), the ones after it (验收, 报账) forwards.

    Raises ValueError (message in Chinese) for a missing or negative duration, or when a
    proposed date falls outside the calendar.
    """
    kinds = list(MilestoneKind)
    for kind in kinds[1:]:
        days = durations.get(kind)
        if days is None:
            raise ValueError(f"缺少「{kind.label}」的标准工期")
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"「{kind.label}」的标准工期应为不小于 0 的整数天数")
    at = kinds.index(DEADLINE_KIND)
    dates = {DEADLINE_KIND: deadline}
    try:
        for i in range(at, 0, -1):  # 完工 → 开工 → … → 立项入库
            dates[kinds[i - 1]] = dates[kinds[i]] - dt.timedelta(days=durations[kinds[i]])
        for i in range(at + 1, len(kinds)):  # 完工 → 验收 → 报账
            dates[kinds[i]] = dates[kinds[i - 1]] + dt.timedelta(days=durations[kinds[i]])
    except OverflowError:
        raise ValueError("推算的计划日期超出日期范围,请检查完工日期和工期") from None
    return {kind: dates[kind] for kind in kinds}


# --- the timeline of planned against actual dates ---------------------------------------


@dataclass
class Bar:
    """A horizontal span of the chart, in % of the project's date range."""

    left: float
    width: float
    title: str


@dataclass
class TimelineRow:
    kind: MilestoneKind
    planned_on: dt.date | None
    done_on: dt.date | None
    note: str | None
    #: done, overdue or pending (未开始)
    status: str
    days_overdue: int = 0
    plan: Bar | None = None
    actual: Bar | None = None
    #: From the planned date to the as-of date, for an overdue milestone.
    late: Bar | None = None
    #: 基准计划 of a milestone whose plan was moved (else None), and how many days it is
    #: (or will be) behind it: its actual date, or the later of the as-of date and its
    #: planned date, minus the baseline (0: not behind).
    baseline_on: dt.date | None = None
    baseline_days_late: int = 0


@dataclass
class Timeline:
    rows: list[TimelineRow]
    start: dt.date | None = None
    end: dt.date | None = None
    #: Where the as-of date falls, in %, when inside the range.
    marker: float | None = None
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def baseline_days_late(self) -> int:
        """The longest delay of a milestone behind its baseline (0: none)."""
        return max((r.baseline_days_late for r in self.rows), default=0)


def date_range(states, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates a chart of ``states`` must show: every planned and actual date, and the
    as-of date when something is overdue (its span runs up to it). None without dates."""
    dates = [d for s in states for d in (s.planned_on, s.done_on) if d is not None]
    if any(s.overdue for s in states):
        dates.append(as_of)
    return (min(dates), max(dates)) if dates else None


def timeline(states, as_of: dt.date,
             span: tuple[dt.date, dt.date] | None = None) -> Timeline:
    """A row per milestone kind, in the fixed order, from the project's milestones.

    ``states``: rows with ``kind``, ``planned_on``, ``done_on``, ``note`` and the flags
    ``done`` and ``overdue`` as of ``as_of`` (computed by the ledger's definitions). Each
    planned (actual) span runs from the previous milestone's planned (actual) date to its
    own, so the chart reads like a wall chart of the project (挂图作战).

    ``span``: the dates the chart covers, when several projects share one axis (the wall
    chart); by default the project's own ``date_range``. It must contain that range.
    """
    by_kind = {s.kind: s for s in states}
    own = date_range(states, as_of)
    if own is None:
        return Timeline([TimelineRow(k, None, None, None, "pending") for k in MilestoneKind])
    start, end = span or own
    pct = _pct(start, end)

    def bar(frm: dt.date | None, to: dt.date, title: str) -> Bar:
        left = pct(frm if frm is not None and frm <= to else to)
        return Bar(left, round(pct(to) - left, 2), title)

    rows = []
    prev_plan = prev_done = None
    for kind in MilestoneKind:
        s = by_kind.get(kind)
        if s is None:
            rows.append(TimelineRow(kind, None, None, None, "pending"))
            continue
        status = "done" if s.done else "overdue" if s.overdue else "pending"
        row = TimelineRow(kind, s.planned_on, s.done_on, s.note, status)
        baseline = getattr(s, "baseline_on", None)
        if baseline is not None and baseline != s.planned_on:  # a moved plan (计划调整)
            row.baseline_on = baseline
            until = s.done_on if s.done else max(d for d in (as_of, s.planned_on) if d)
            row.baseline_days_late = max((until - baseline).days, 0)
        if status == "overdue":
            row.days_overdue = (as_of - s.planned_on).days
            row.late = bar(s.planned_on, as_of, f"逾期 {row.days_overdue} 天")
        if s.planned_on is not None:
            row.plan = bar(prev_plan, s.planned_on, f"计划 {s.planned_on.isoformat()}")
            prev_plan = s.planned_on
        if s.done_on is not None and s.done:
            row.actual = bar(prev_done, s.done_on, f"实际 {s.done_on.isoformat()}")
            prev_done = s.done_on
        rows.append(row)
    return Timeline(rows, *_axis(start, end, as_of))


def axis(span: tuple[dt.date, dt.date], as_of: dt.date) -> Timeline:
    """The axis alone (no rows) of a chart covering ``span``: its ends, where the as-of
    date falls and the month ticks, as ``timeline(..., span=span)`` lays them out."""
    return Timeline([], *_axis(span[0], span[1], as_of))


def _pct(start: dt.date, end: dt.date):
    span = max((end - start).days, 1)
    return lambda d: round((d - start).days * 100 / span, 2)


def _axis(start: dt.date, end: dt.date, as_of: dt.date):
    pct = _pct(start, end)
    marker = pct(as_of) if start <= as_of <= end else None
    # month ticks, but not where they would run into the labels of both ends
    ticks = [(pct(d), d.isoformat()) for d in _ticks(start, end) if 8 <= pct(d) <= 92]
    return start, end, marker, ticks


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of months within the range (at most about six), plus both ends."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = max(1, -(-months // 6))
    out = []
    y, m = start.year, start.month
    while True:
        m += step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        if y > dt.MAXYEAR:  # past the last date there is, so past the end
            break
        d = dt.date(y, m, 1)
        if d >= end:
            break
        out.append(d)
    return out
