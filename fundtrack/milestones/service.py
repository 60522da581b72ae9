"""The rules for milestones: actual dates never go backwards along the fixed order
(invariant 7) and never lie after today (invariant 8)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..bulk import add, build
from ..clock import today
from ..database import current_actor
from ..enums import MilestoneKind, PaymentKind, ProjectStatus
from ..errors import Refused
from ..extensions import db
from ..fields import clean
from ..funds.models import Disbursement
from ..history.service import record, snapshot
from ..importsession import current, is_new, kept, update
from ..projects.models import Project
from ..projects.service import lock_project
from .models import Milestone, PlanAdjustment

#: Marks a value the caller did not give (leave it as it is).
UNSET = object()


def _query_milestones(project: Project) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.kind)
        )
    )


def _schedule(project: Project) -> dict[MilestoneKind, Milestone]:
    """The project's milestones by kind: read for one write; within an import session
    read once per project (not at all for a project it added) and kept current by
    ``set_milestone``, which adds to it."""
    return kept("schedule", project.id, lambda: {
        m.kind: m for m in ([] if is_new(project) else _query_milestones(project))})


def milestones_of(project: Project) -> list[Milestone]:
    return sorted(_schedule(project).values(), key=lambda m: m.kind.value)


def _milestone(project: Project, kind: MilestoneKind) -> Milestone | None:
    if current() is None:  # one row, not the schedule
        return db.session.scalar(
            select(Milestone).where(Milestone.project_id == project.id, Milestone.kind == kind))
    return _schedule(project).get(kind)


def done_date(project: Project, kind: MilestoneKind) -> dt.date | None:
    """The actual date of the project's milestone of that kind (None: not done)."""
    if current() is None:
        return db.session.scalar(
            select(Milestone.done_on).where(
                Milestone.project_id == project.id, Milestone.kind == kind))
    milestone = _schedule(project).get(kind)
    return milestone.done_on if milestone is not None else None


def _check_not_future(kind: MilestoneKind, done_on: dt.date | None) -> None:
    """Invariant 8: what has not happened cannot be recorded as done (the county's today)."""
    if done_on is None:
        return
    now = today()
    if done_on > now:
        raise Refused(
            f"「{kind.label}」的实际日期 {done_on} 晚于今天 {now}:尚未发生的不能登记为已完成",
            "done_on",
        )


def _check_order(project: Project, kind: MilestoneKind, done_on: dt.date | None) -> None:
    """Invariant 7: along the fixed order, actual dates never go backwards."""
    if done_on is None:
        return
    for other in milestones_of(project):
        other_on = other.done_on
        if other_on is None or other_on == done_on or other.kind is kind:
            continue
        if other_on > done_on and other.kind.value < kind.value:
            raise Refused(
                f"「{kind.label}」的实际日期 {done_on} 早于前序节点「{other.kind.label}」"
                f"的实际日期 {other.done_on}",
                "done_on",
                conflict=True,
            )
        if other_on < done_on and other.kind.value > kind.value:
            raise Refused(
                f"「{kind.label}」的实际日期 {done_on} 晚于后续节点「{other.kind.label}」"
                f"的实际日期 {other.done_on}",
                "done_on",
                conflict=True,
            )


def _first_settlement(project: Project) -> dt.date | None:
    """The date of the project's first settlement payment (kept within an import
    session, see ``note_settlement``)."""
    return kept("first-settlement", project.id, lambda: None if is_new(project) else (
        db.session.scalar(select(func.min(Disbursement.paid_on)).where(
            Disbursement.project_id == project.id,
            Disbursement.kind == PaymentKind.SETTLEMENT,
        ))))


def note_settlement(project: Project, paid_on: dt.date) -> None:
    """Keep the kept first settlement current after a settlement payment
    (funds.service)."""
    if is_new(project):  # nothing to read: start it here
        _first_settlement(project)
    update("first-settlement", project.id,
           lambda first: paid_on if first is None else min(first, paid_on))


def _check_settlements(project: Project, done_on: dt.date | None) -> None:
    """Invariant 5, seen from the milestone: 验收 cannot move after a settlement paid."""
    first_settlement = _first_settlement(project)
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
    reason: str | None = None,
) -> Milestone:
    """Create or change one milestone of a project; only the values given change.

    A planned date of a project in 实施 with a baseline (基准计划, kept as the project
    entered 实施, or the planned date imported with a project imported as 实施) is
    changed only with a ``reason``, and the change is kept as a plan adjustment
    (计划调整); the baseline stays."""
    if note is not UNSET:
        note = clean("note", note)
    milestone = _milestone(project, kind)
    before = snapshot(milestone) if milestone is not None else None
    if done_on is not UNSET:
        _check_not_future(kind, done_on)
        _check_order(project, kind, done_on)
        if kind == MilestoneKind.ACCEPTED:
            lock_project(project)
            _check_settlements(project, done_on)
    # a milestone with a baseline (its project entered 实施 with the date in force)
    adjusted = (
        planned_on is not UNSET and project.status == ProjectStatus.IMPLEMENTING
        and milestone is not None and milestone.baseline_on is not None
        and planned_on != milestone.planned_on
    )
    if adjusted:
        reason = (reason or "").strip()
        if not reason:
            raise Refused(f"项目已实施,修改「{kind.label}」的计划日期须填写调整原因", "reason")
        if len(reason) > REASON_MAX:
            raise Refused(f"调整原因不能超过 {REASON_MAX} 个字符", "reason")
    new = milestone is None
    if new:
        milestone = build(Milestone, project_id=project.id, project=project, kind=kind)
        update("schedule", project.id, lambda schedule: {**schedule, kind: milestone})
    if planned_on is not UNSET:
        milestone.planned_on = planned_on
        if (planned_on is not None and milestone.baseline_on is None and is_new(project)
                and project.status == ProjectStatus.IMPLEMENTING):
            # a project imported as 实施: the imported plan is its baseline, so that a
            # later change is a plan adjustment
            milestone.baseline_on = planned_on
    if done_on is not UNSET:
        milestone.done_on = done_on
    if note is not UNSET:
        milestone.note = note or None
    if new:
        add(milestone)
    record("insert" if before is None else "update", milestone, before)
    if adjusted:
        adjustment = PlanAdjustment(
            milestone=milestone, at=dt.datetime.now(dt.UTC), actor=current_actor(),
            old_on=before["planned_on"] and dt.date.fromisoformat(before["planned_on"]),
            new_on=planned_on, reason=reason)
        db.session.add(adjustment)
        record("insert", adjustment)
    return milestone


REASON_MAX = PlanAdjustment.__table__.c.reason.type.length


def keep_baseline(project: Project) -> None:
    """基准计划: the planned dates in force as the project enters 实施 are kept."""
    for milestone in milestones_of(project):
        if milestone.planned_on is not None and milestone.baseline_on is None:
            before = snapshot(milestone)
            milestone.baseline_on = milestone.planned_on
            record("update", milestone, before)


def adjustments_of(project: Project) -> list[PlanAdjustment]:
    """The project's plan adjustments, newest first."""
    return list(db.session.scalars(
        select(PlanAdjustment).join(Milestone, Milestone.id == PlanAdjustment.milestone_id)
        .where(Milestone.project_id == project.id)
        .order_by(PlanAdjustment.at.desc(), PlanAdjustment.id.desc())))


def acceptance_date(project: Project) -> dt.date | None:
    return done_date(project, MilestoneKind.ACCEPTED)
