"""逾期清单 (overdue): the milestones overdue as of a date; no 合计."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from ... import sheets
from ...cache import cached
from ...extensions import db
from ...milestones.models import Milestone
from ...paging import apply_sort, limit_page
from ...projects.models import Project, Unit
from .base import (
    ALL,
    Report,
    Streamed,
    count_of,
    keep_page,
    make_report,
    region,
    streamed,
)


def _statement(as_of, filt):
    stmt = (
        select(
            Project.code,
            Project.name,
            Unit.name.label("unit"),
            Project.responsible_person,
            Milestone.kind,
            Milestone.planned_on,
            Milestone.baseline_on,
        )
        .join(Project, Project.id == Milestone.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(Milestone.is_overdue(as_of), *filt.project_conditions(as_of))
    )
    return stmt


@cached(when=keep_page)
def overdue_list(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
    stmt = _statement(as_of, filt)
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "project_code": c.code, "name": c.name, "unit": c.unit,
        "responsible_person": c.responsible_person, "milestone": c.kind,
        "planned_on": c.planned_on, "days_overdue": (c.planned_on, True),
    }, Milestone.planned_on, Project.code, Milestone.kind)
    rows = list(_rows(db.session.execute(limit_page(ordered, page, per_page)), as_of))
    return make_report(sheets.OVERDUE_LIST, as_of, rows, None, stmt, page, per_page)


def overdue_list_stream(as_of, filt=ALL) -> Streamed:
    """The whole 逾期清单 for the workbook, streamed (see Streamed): the same rows and
    order as ``overdue_list(as_of, filt)``; no total."""
    stmt = _statement(as_of, filt).order_by(Milestone.planned_on, Project.code, Milestone.kind)
    return Streamed(sheets.OVERDUE_LIST, as_of, region(), _rows(streamed(stmt), as_of),
                    lambda: None, count_of(stmt))


def _rows(result, as_of) -> Iterator[dict]:
    for r in result:
        yield {
            "project_code": r.code,
            "name": r.name,
            "unit": r.unit,
            "responsible_person": r.responsible_person,
            "milestone": r.kind.label,
            "planned_on": r.planned_on,
            "days_overdue": (as_of - r.planned_on).days,
            # 基准计划: the delay against the dates in force when the project entered 实施
            "baseline_on": r.baseline_on,
            "baseline_days_overdue": max((as_of - r.baseline_on).days, 0)
            if r.baseline_on else None,
        }
