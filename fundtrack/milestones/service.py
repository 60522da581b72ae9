"""The rules for milestones: actual dates never go backwards along the fixed order
(invariant 7) and never lie after today (invariant 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..bulk import add
from ..clock import today
from ..database import current_actor
from ..enums import MilestoneKind, PaymentKind, ProjectStatus
from ..errors import Refused
from ..extensions import db
from ..fields import clean
from ..funds.models import Disbursement
from ..history.service import record, snapshot
from ..projects.models import Project
from ..projects.service import is_new, lock_project
from .models import Milestone, PlanAdjustment

#: Marks a value the caller did not give (leave it as it is).
UNSET = object()


@dataclass
class _Schedules:
    """For one bulk writer: each project's milestones and first settlement date, read
    once per project and kept current by this module's writes (and ``note_settlement``)."""

    milestones: dict[int, dict[MilestoneKind, Milestone]] = field(default_factory=dict)
    first_settlement: dict[int, dt.date | None] = field(default_factory=dict)


_schedules: ContextVar[_Schedules | None] = ContextVar("fundtrack_schedules", default=None)


@contextmanager
def kept_schedules() -> Iterator[None]:
    """For one writer changing many milestones in one transaction (the importer): a
    project's milestones are read from the database once (not at all for a project added
    in this transaction, see ``projects.service.is_new``) and kept up to date by
    ``set_milestone``. The rules and their messages are unchanged."""
    token = _schedules.set(_Schedules())
    try:
        yield
    finally:
        _schedules.reset(token)


def _query_milestones(project: Project) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.kind)
        )
    )


def _kept(project: Project) -> dict[MilestoneKind, Milestone] | None:
    """The project's milestones by kind within ``kept_schedules``, else None."""
    cache = _schedules.get()
    if cache is None:
        return None
    if project.id not in cache.milestones:
        found = [] if is_new(project) else _query_milestones(project)
        cache.milestones[project.id] = {m.kind: m for m in found}
    return cache.milestones[project.id]


def milestones_of(project: Project) -> list[Milestone]:
    kept = _kept(project)
    if kept is not None:
        return sorted(kept.values(), key=lambda m: m.kind.value)
    return _query_milestones(project)


def done_date(project: Project, kind: MilestoneKind) -> dt.date | None:
    """The actual date of the project's milestone of that kind (None: not done)."""
    kept = _kept(project)
    if kept is not None:
        milestone = kept.get(kind)
        return milestone.done_on if milestone is not None else None
    return db.session.scalar(
        select(Milestone.done_on).where(
            Milestone.project_id == project.id, Milestone.kind == kind
        )
    )


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


def _first_settlement(project: Project) -> dt.date | None:
    cache = _schedules.get()
    if cache is not None and project.id in cache.first_settlement:
        return cache.first_settlement[project.id]
    first = None if is_new(project) and cache is not None else db.session.scalar(
        select(func.min(Disbursement.paid_on)).where(
            Disbursement.project_id == project.id,
            Disbursement.kind == PaymentKind.SETTLEMENT,
        )
    )
    if cache is not None:
        cache.first_settlement[project.id] = first
    return first


def note_settlement(project: Project, paid_on: dt.date) -> None:
    """Keep ``kept_schedules`` current after a settlement payment (funds.service)."""
    cache = _schedules.get()
    if cache is None:
        return
    if project.id in cache.first_settlement:
        first = cache.first_settlement[project.id]
        cache.first_settlement[project.id] = paid_on if first is None else min(first, paid_on)
    elif is_new(project):  # a project loaded later reads the payment from the database
        cache.first_settlement[project.id] = paid_on


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
    kept = _kept(project)
    if kept is not None:
        milestone = kept.get(kind)
    else:
        milestone = db.session.scalar(
            select(Milestone).where(Milestone.project_id == project.id, Milestone.kind == kind)
        )
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
        milestone = Milestone(project_id=project.id, project=project, kind=kind)
        if kept is not None:
            kept[kind] = milestone
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
