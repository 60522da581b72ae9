"""The read side of 节点: a project's milestones with their states as of a date, and the
next milestone of each project of a page, in one statement each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..enums import MilestoneKind
from ..extensions import db
from ..projects.models import Project, Unit
from .models import Milestone, PlanAdjustment


def milestone_states(project: Project, as_of):
    """The project's milestones with "done" and "overdue" as of D (Milestone.is_done,
    Milestone.is_overdue), in one statement."""
    stmt = (
        select(
            Milestone.kind,
            Milestone.planned_on,
            Milestone.done_on,
            Milestone.note,
            Milestone.baseline_on,
            Milestone.is_done(as_of).label("done"),
            Milestone.is_overdue(as_of).label("overdue"),
        )
        .where(Milestone.project_id == project.id)
        .order_by(Milestone.kind)
    )
    return db.session.execute(stmt).all()


@dataclass
class NextMilestone:
    kind: MilestoneKind
    planned_on: object = None
    overdue: bool = False
    days_overdue: int = 0


def next_milestones(rows: list[dict], as_of) -> dict[str, NextMilestone | None]:
    """Per project of the page: its next milestone, with its planned date. One statement
    for the whole page.

    The next milestone is the first one recorded for the project after its current one
    in the fixed order (a kind may be absent: no 招标完成 below the tendering threshold),
    none of which is done as of D by definition; when none is recorded, the kind right
    after the current one. None when 报账 is done.
    """
    current = {
        r["project_code"]: MilestoneKind.from_text(r["current_milestone"]).value
        if r["current_milestone"] else 0
        for r in rows
    }
    recorded: dict[str, list] = {code: [] for code in current}
    if current:
        stmt = (
            select(Project.code, Milestone.kind, Milestone.planned_on,
                   Milestone.is_overdue(as_of).label("overdue"))
            .join(Project, Project.id == Milestone.project_id)
            .where(Project.code.in_(list(current)))
            .order_by(Project.code, Milestone.kind)
        )
        for code, kind, planned_on, overdue in db.session.execute(stmt):
            if kind.value > current[code]:
                recorded[code].append((kind, planned_on, bool(overdue)))
    out: dict[str, NextMilestone | None] = {}
    for code, position in current.items():
        if recorded[code]:
            kind, planned_on, overdue = recorded[code][0]
            days = (as_of - planned_on).days if overdue else 0
            out[code] = NextMilestone(kind, planned_on, overdue, days)
        elif position < len(MilestoneKind):
            out[code] = NextMilestone(MilestoneKind(position + 1))
        else:
            out[code] = None
    return out


def adjustments(*, unit: str | None = None, project: str | None = None):
    """计划调整 of the whole county, newest first: each with its milestone's kind and
    baseline, its project and unit; ``unit`` by name, ``project`` a part of a project's
    code or name. A statement, for paging."""
    stmt = (
        select(PlanAdjustment, Milestone.kind, Milestone.planned_on, Milestone.baseline_on,
               Project.code, Project.name.label("project_name"), Unit.name.label("unit"))
        .join(Milestone, Milestone.id == PlanAdjustment.milestone_id)
        .join(Project, Project.id == Milestone.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .order_by(PlanAdjustment.at.desc(), PlanAdjustment.id.desc())
    )
    if unit:
        stmt = stmt.where(Unit.name == unit)
    if project:
        stmt = stmt.where(Project.code.contains(project, autoescape=True)
                          | Project.name.contains(project, autoescape=True))
    return stmt
