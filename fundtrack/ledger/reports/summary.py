"""汇总 (summary): by township and by unit, and the 合计; summary_total, that row alone."""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, literal, select

from ... import sheets
from ...cache import cached
from ...enums import MilestoneKind
from ...errors import Refused
from ...extensions import db
from ...funds.models import Allocation, Disbursement
from ...milestones.models import Milestone
from ...money import ZERO, rate
from ...projects.models import Project, Unit
from .. import queries as q
from .base import (
    ALL,
    Report,
    money_sums,
    of_projects,
    or_zero,
    scalar,
)

_GROUP_CODE = {label: code for code, label in (sheets.GROUP_TOWNSHIP, sheets.GROUP_UNIT)}


@cached()
def summary(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
    per_project = _project_rows_with_progress(as_of, filt).subquery()

    def grouped(group, key):
        code, label = group
        col = per_project.c[key]
        return select(
            literal(code).label("group"),
            col.label("name"),
            *_summary_sums(per_project),
        ).group_by(col)

    stmt = grouped(sheets.GROUP_TOWNSHIP, "township").union_all(
        grouped(sheets.GROUP_UNIT, "unit")
    )
    result = db.session.execute(stmt).all()
    order = {sheets.GROUP_TOWNSHIP[0]: 0, sheets.GROUP_UNIT[0]: 1}
    labels = dict([sheets.GROUP_TOWNSHIP, sheets.GROUP_UNIT])
    result.sort(key=lambda r: (order[r.group], r.name))
    rows = [_summary_row({"group": labels[r.group], "name": r.name}, r) for r in result]
    if sort:  # within each group, by the column asked for (a few dozen rows)
        key = sort.lstrip("-")
        if key not in sheets.SUMMARY.keys or key == "group":
            raise Refused(f"不能按「{key}」排序", "sort")
        present = [r for r in rows if r[key] is not None]
        present.sort(key=lambda r: r[key], reverse=sort.startswith("-"))
        present.sort(key=lambda r: order[_GROUP_CODE[r["group"]]])
        rows = present + [r for r in rows if r[key] is None]
    # every project is in exactly one township (a required field): their sum is the total
    townships = [r for r in result if r.group == sheets.GROUP_TOWNSHIP[0]]
    total = _summary_row({"group": sheets.TOTAL_LABEL, "name": None}, SimpleNamespace(**{
        key: sum((or_zero(getattr(r, key)) if money else int(getattr(r, key) or 0)
                  for r in townships), ZERO if money else 0)
        for key, money in (("projects", False), ("started", False), ("completed", False),
                           ("total_investment", True), ("allocated", True), ("spent", True))
    }))
    paged = page is not None and per_page is not None
    return Report(
        sheet=sheets.SUMMARY,
        as_of=as_of,
        region=current_app.config["FUNDTRACK_REGION"],
        # a few dozen townships and units: paged here rather than in SQL
        rows=rows[(page - 1) * per_page: page * per_page] if paged else rows,
        total=total,
        count=len(rows),
        page=page if paged else None,
        per_page=per_page if paged else None,
    )


@cached()
def summary_total(as_of, filt=ALL) -> dict:
    """The 合计 row of ``summary`` alone (the dashboard's progress): one statement,
    summed straight from the tables (a milestone is one row per project and 节点, so
    counting the done 开工 rows counts the started projects)."""
    conds = filt.project_conditions(as_of)

    def reached(kind):
        return scalar(func.count(), Milestone.kind == kind, Milestone.is_done(as_of),
                       *of_projects(Milestone, as_of, filt), source=Milestone)

    t = db.session.execute(select(
        scalar(func.count(), *conds, source=Project).label("projects"),
        reached(MilestoneKind.STARTED).label("started"),
        reached(MilestoneKind.COMPLETED).label("completed"),
        scalar(func.sum(Project.total_investment), *conds).label("total_investment"),
        *money_sums(as_of, filt),
    )).one()
    return _summary_row({"group": sheets.TOTAL_LABEL, "name": None}, t)


def _project_rows_with_progress(as_of, filt):
    alloc = q.allocated(as_of, filt, Allocation.project_id)
    paid = q.spent(as_of, filt, Disbursement.project_id)
    ms = q.milestone_stats(as_of)
    return (
        select(
            Project.township,
            Unit.name.label("unit"),
            Project.total_investment,
            alloc.c.allocated,
            paid.c.spent,
            func.coalesce(ms.c.started, 0).label("started"),
            func.coalesce(ms.c.completed, 0).label("completed"),
        )
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(alloc, alloc.c.project_id == Project.id)
        .outerjoin(paid, paid.c.project_id == Project.id)
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(*filt.project_conditions(as_of))
    )


def _summary_sums(sub):
    return (
        func.count().label("projects"),
        func.sum(sub.c.started).label("started"),
        func.sum(sub.c.completed).label("completed"),
        func.sum(sub.c.total_investment).label("total_investment"),
        func.sum(sub.c.allocated).label("allocated"),
        func.sum(sub.c.spent).label("spent"),
    )


def _summary_row(head: dict, r) -> dict:
    projects = int(r.projects or 0)
    started, completed = int(r.started or 0), int(r.completed or 0)
    investment, allocated, spent = map(or_zero, (r.total_investment, r.allocated, r.spent))
    return {
        **head,
        "projects": projects,
        "started": started,
        "start_rate": rate(started, projects),
        "completed": completed,
        "completion_rate": rate(completed, projects),
        "total_investment": investment,
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "investment_completion_rate": rate(spent, investment),
    }
