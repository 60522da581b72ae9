"""The rows of the wall chart: one per project of the page, on one shared date axis.

The projects (and their order, grouped by township or unit) come from the 项目台账
report; their milestones are read in ONE statement for the whole page, with "done" and
"overdue" as the ledger defines them; each row's bars are laid out by
``milestones.schedule.timeline`` (the same calculator as the project page), on the span
of all the page's dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..ledger.filters import LedgerFilter
from ..ledger.reports import Report
from ..milestones.models import Milestone
from ..milestones.schedule import Timeline, axis, date_range, timeline
from ..projects.models import Project, Unit

#: 分组: the report column each grouping sorts and heads rows by.
GROUPS = {"township": "乡镇", "unit": "责任单位"}


@dataclass
class GanttRow:
    project: dict
    timeline: Timeline


@dataclass
class GanttGroup:
    name: str
    rows: list[GanttRow] = field(default_factory=list)
    #: The group's projects in the whole selection, not only on this page.
    count: int = 0


@dataclass
class Gantt:
    groups: list[GanttGroup]
    #: The shared axis (start, end, marker, ticks) of every row; None without dates.
    axis: Timeline | None


def milestone_states(project_codes: list[str], as_of: dt.date) -> dict[str, list]:
    """Per project code: its milestones with ``done`` and ``overdue`` as of D. One
    statement for all the codes."""
    if not project_codes:
        return {}
    stmt = (
        select(
            Project.code,
            Milestone.kind,
            Milestone.planned_on,
            Milestone.done_on,
            Milestone.note,
            Milestone.baseline_on,
            Milestone.is_done(as_of).label("done"),
            Milestone.is_overdue(as_of).label("overdue"),
        )
        .join(Project, Project.id == Milestone.project_id)
        .where(Project.code.in_(project_codes))
        .order_by(Project.code, Milestone.kind)
    )
    out: dict[str, list] = {code: [] for code in project_codes}
    for row in db.session.execute(stmt):
        out[row.code].append(row)
    return out


def group_counts(as_of: dt.date, filt: LedgerFilter, group_by: str,
                 names: list[str]) -> dict[str, int]:
    """How many projects of the selection each of the groups ``names`` holds, all pages
    together: one statement."""
    if not names:
        return {}
    column = Project.township if group_by == "township" else Unit.name
    stmt = (
        select(column, func.count(Project.id))
        .join(Unit, Unit.id == Project.unit_id)
        .where(*filt.project_conditions(as_of), column.in_(names))
        .group_by(column)
    )
    return dict(db.session.execute(stmt).all())


def gantt(report: Report, group_by: str, filt: LedgerFilter | None = None) -> Gantt:
    """The page's rows of ``report`` (a 项目台账 page, sorted by ``group_by`` first, of
    the selection ``filt``), each group with its count over every page."""
    as_of = report.as_of
    states = milestone_states([r["project_code"] for r in report.rows], as_of)
    ranges = [r for r in (date_range(s, as_of) for s in states.values()) if r]
    if ranges:
        # the as-of line is always on the chart: the wall chart is read against today
        span = (min(min(a for a, _ in ranges), as_of), max(max(b for _, b in ranges), as_of))
        chart_axis = axis(span, as_of)
    else:
        span, chart_axis = None, None
    groups: list[GanttGroup] = []
    for r in report.rows:
        name = r[group_by]
        if not groups or groups[-1].name != name:
            groups.append(GanttGroup(name))
        groups[-1].rows.append(GanttRow(r, timeline(states[r["project_code"]], as_of, span)))
    counts = group_counts(as_of, filt or LedgerFilter(), group_by, [g.name for g in groups])
    for g in groups:
        g.count = counts.get(g.name, len(g.rows))
    return Gantt(groups, chart_axis)
