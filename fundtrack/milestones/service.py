"""The rules for milestones: actual dates never go backwards along the fixed order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..enums import MilestoneKind, PaymentKind
from ..errors import Refused
from ..extensions import db
from ..funds.models import Disbursement
from ..history.service import record, snapshot
from ..projects.models import Project
from ..projects.service import lock_project
from .models import Milestone

#: Marks a value the caller did not give (leave it as it is).
UNSET = object()


def milestones_of(project: Project) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.kind)
        )
    )


def _check_order(project: Project, kind: MilestoneKind, done_on: dt.date | None) -> None:
    """Invariant 7: along the fixed order, actual dates never go backwards."""
    if done_on is None:
        return
    for other in milestones_of(project):
        if other.kind == kind or other.done_on is None:
            continue
        if other.kind.value < kind.value and other.done_on > done_on:
            raise Refused(
                f"「{kind.label}」的实际日期 {done_on} 早于前序节点「{other.kind.label}」"
                f"的实际日期 {other.done_on}",
                "done_on",
                conflict=True,
            )
        if other.kind.value > kind.value and other.done_on < done_on:
            raise Refused(
                f"「{kind.label}」的实际日期 {done_on} 晚于后续节点「{other.kind.label}」"
                f"的实际日期 {other.done_on}",
                "done_on",
                conflict=True,
            )


def _check_settlements(project: Project, done_on: dt.date | None) -> None:
    """Invariant 5, seen from the milestone: 验收 cannot move after a settlement paid."""
    first_settlement = db.session.scalar(
        select(func.min(Disbursement.paid_on)).where(
            Disbursement.project_id == project.id,
            Disbursement.kind == PaymentKind.SETTLEMENT,
        )
    )
    if first_settlement is not None and (done_on is None or done_on > first_settlement):
        raise Refused(
            f"该项目已于 {first_settlement} 支付结算款,验收日期须不晚于该日",
            "done_on",
            conflict=True,
        )


def set_milestone(
    project: Project,
    kind: MilestoneKind,
    *,
    planned_on=UNSET,
    done_on=UNSET,
    note=UNSET,
) -> Milestone:
    """Create or change one milestone of a project; only the values given change."""
    milestone = db.session.scalar(
        select(Milestone).where(Milestone.project_id == project.id, Milestone.kind == kind)
    )
    before = snapshot(milestone) if milestone is not None else None
    if done_on is not UNSET:
        _check_order(project, kind, done_on)
        if kind == MilestoneKind.ACCEPTED:
            lock_project(project)
            _check_settlements(project, done_on)
    if milestone is None:
        milestone = Milestone(project_id=project.id, kind=kind)
        db.session.add(milestone)
    if planned_on is not UNSET:
        milestone.planned_on = planned_on
    if done_on is not UNSET:
        milestone.done_on = done_on
    if note is not UNSET:
        milestone.note = note or None
    record("insert" if before is None else "update", milestone, before)
    return milestone


def acceptance_date(project_id: int) -> dt.date | None:
    return db.session.scalar(
        select(Milestone.done_on).where(
            Milestone.project_id == project_id, Milestone.kind == MilestoneKind.ACCEPTED
        )
    )
