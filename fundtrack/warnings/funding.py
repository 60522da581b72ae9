"""Rules that join money and schedule (one statement each): spending lagging after
完工, idle channels (资金沉淀), paying before tendering, allocated but not started,
completed but not settled, settling before acceptance."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Integer, Numeric, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from ..enums import MilestoneKind as K
from ..enums import PaymentKind
from ..formatting import money
from ..funds.models import Allocation, Disbursement, FundArrival, FundSource
from ..ledger import queries as q
from ..milestones.models import Milestone
from ..money import ZERO, format_rate, rate
from ..projects.models import Project, Unit
from .base import Alert, ago, alert, project_alert, project_head


def is_payment():
    """A payment, not a reversal: its amount is positive (the database holds every
    reversal negative and every payment positive, ck_disbursement_reversal_shape), which
    the money indexes answer without reading the row for its kind."""
    return Disbursement.amount > 0


def low_spending_after_completion(as_of, filt, ctx):
    """Yellow: 完工 done as of D, money allocated (> 0), and the project's spending rate
    (spent / allocated, half-up to four places, as the ledger shows it) BELOW the
    threshold (completed_spending_rate); a rate equal to it does not warn.

    Compared in the database, exactly: with T the threshold in ten-thousandths, the rate
    rounded half up is below T when 20000 × spent < (2T − 1) × allocated (spent ≥ 0)."""
    t = int(ctx.thresholds.completed_spending_rate.scaleb(4))
    alloc = q.allocated(as_of, filt, Allocation.project_id)
    paid = q.spent(as_of, filt, Disbursement.project_id)
    spent = type_coerce(func.coalesce(paid.c.spent, 0), Numeric())
    allocated = type_coerce(alloc.c.allocated, Numeric())
    done = aliased(Milestone)
    return (
        select(*project_head(), done.done_on, alloc.c.allocated, paid.c.spent)
        .join(Unit, Unit.id == Project.unit_id)
        .join(alloc, alloc.c.project_id == Project.id)
        .outerjoin(paid, paid.c.project_id == Project.id)
        .join(done, and_(done.project_id == Project.id, done.kind == K.COMPLETED))
        .where(done.is_done(as_of), alloc.c.allocated > 0,
               spent * literal(20000, Integer) < allocated * literal(2 * t - 1, Integer),
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_low_spending_after_completion(r, as_of, ctx) -> Alert:
    spent = r.spent or ZERO
    return project_alert("low_spending_after_completion", r, (
        f"已于 {r.done_on} 完工,安排资金 {money(r.allocated)} 元,已支出 {money(spent)} 元,"
        f"支出率 {format_rate(rate(spent, r.allocated))},"
        f"低于 {format_rate(ctx.thresholds.completed_spending_rate)}"),
        amount=r.allocated - spent, days=(as_of - r.done_on).days)


def idle_funds(as_of, filt, ctx):
    """Yellow, 资金沉淀: a channel whose arrived money is not all spent as of D
    (arrived − spent > 0, both as of D, the whole channel) and whose money has sat MORE
    than N days (idle_days): since its latest payment dated <= D (reversals are not
    payments), or, with no payment, since its earliest arrival. Red-letter reversals count
    in spent. Idle days = D − that date; yellow when > N. With a filter narrowing the
    projects (a unit, a township), only the channels allocated to those projects."""
    n = ctx.thresholds.idle_days
    # each table read once: its sum and its date beside it
    arr = (
        select(FundArrival.source_id, func.sum(FundArrival.amount).label("arrived"),
               func.min(FundArrival.arrived_on).label("first_arrived"))
        .where(FundArrival.arrived_on <= as_of)
        .group_by(FundArrival.source_id).subquery()
    )
    paid = (
        select(Disbursement.source_id, func.sum(Disbursement.amount).label("spent"),
               func.max(case((is_payment(), Disbursement.paid_on))).label("last_paid"))
        .where(Disbursement.paid_on <= as_of)
        .group_by(Disbursement.source_id).subquery()
    )
    since = func.coalesce(paid.c.last_paid, arr.c.first_arrived)
    stmt = (
        select(FundSource.code, FundSource.name, arr.c.arrived, paid.c.spent,
               paid.c.last_paid, arr.c.first_arrived)
        .join(arr, arr.c.source_id == FundSource.id)
        .outerjoin(paid, paid.c.source_id == FundSource.id)
        .where(arr.c.arrived > func.coalesce(paid.c.spent, 0), since < ago(as_of, n),
               *filt.source_conditions())
        .order_by(FundSource.code)
    )
    if replace(filt, year=None).narrows_projects:
        stmt = stmt.where(FundSource.id.in_(
            select(Allocation.source_id).where(Allocation.project_id.in_(
                filt.project_ids(as_of)))))
    return stmt


def describe_idle_funds(r, as_of, ctx) -> Alert:
    spent = r.spent or ZERO
    unspent = r.arrived - spent
    ref = r.last_paid or r.first_arrived
    what = f"最近一次支付在 {ref}" if r.last_paid else f"首笔资金 {ref} 到位后未支付"
    days = (as_of - ref).days
    return alert("idle_funds", (
        f"已到位 {money(r.arrived)} 元,已支出 {money(spent)} 元,结余 {money(unspent)} 元;"
        f"{what},已 {days} 天(超过 {ctx.thresholds.idle_days} 天)"),
        source_code=r.code, source_name=r.name, days=days, amount=unspent)


def paid_before_tendering(as_of, filt, ctx):
    """Red: payments dated <= D on a project whose total investment is ABOVE the tendering
    threshold (> threshold; equal need not be tendered) made before 招标完成 was done
    (no 招标完成 date, or one later than the payment; a payment on the day of tendering
    is fine). Reversals are not payments. One warning per project."""
    threshold = ctx.tender_threshold
    tendered = aliased(Milestone)
    return (
        select(*project_head(), Project.total_investment, tendered.done_on,
               func.count(Disbursement.id).label("payments"),
               func.sum(Disbursement.amount).label("paid"),
               func.min(Disbursement.paid_on).label("first_paid"))
        .select_from(Project)
        .join(Unit, Unit.id == Project.unit_id)
        # the project's 招标完成 before its payments: read once per project, not per payment
        .outerjoin(tendered, and_(tendered.project_id == Project.id,
                                  tendered.kind == K.TENDERED))
        .join(Disbursement, Disbursement.project_id == Project.id)
        .where(Disbursement.paid_on <= as_of, is_payment(),
               Project.total_investment > threshold,
               or_(tendered.done_on.is_(None), tendered.done_on > Disbursement.paid_on),
               *filt.project_conditions(as_of))
        .group_by(Project.id, Project.code, Project.name, Unit.name,
                  Project.total_investment, tendered.done_on)
        .order_by(Project.code)
    )


def describe_paid_before_tendering(r, as_of, ctx) -> Alert:
    done = r.done_on if r.done_on and r.done_on <= as_of else None
    state = f"{done} 才完成招标" if done else f"截至 {as_of} 未完成招标"
    return project_alert("paid_before_tendering", r, (
        f"总投资 {money(r.total_investment)} 元超过招标限额 {money(ctx.tender_threshold)} 元,"
        f"{state};此前已支付 {r.payments} 笔共 {money(r.paid)} 元(最早 {r.first_paid})"),
        amount=r.paid, days=(as_of - r.first_paid).days)


def allocated_not_started(as_of, filt, ctx):
    """Yellow: money allocated (Σ allocations as of D > 0) but 开工 not done as of D, MORE
    than N days (start_after_allocation_days) after the project's first dated allocation
    (allocations without a date say nothing about when): D − first date > N."""
    n = ctx.thresholds.start_after_allocation_days
    first = (
        select(Allocation.project_id, func.min(Allocation.allocated_on).label("first_on"))
        .where(Allocation.allocated_on.is_not(None), Allocation.allocated_on <= as_of)
        .group_by(Allocation.project_id).subquery()
    )
    alloc = q.allocated(as_of, filt, Allocation.project_id)
    started = aliased(Milestone)
    return (
        select(*project_head(), first.c.first_on, alloc.c.allocated)
        .join(Unit, Unit.id == Project.unit_id)
        .join(first, first.c.project_id == Project.id)
        .join(alloc, alloc.c.project_id == Project.id)
        .where(alloc.c.allocated > 0, first.c.first_on < ago(as_of, n),
               ~select(started.id).where(started.project_id == Project.id,
                                          started.kind == K.STARTED, started.is_done(as_of))
               .correlate(Project).exists(),
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_allocated_not_started(r, as_of, ctx) -> Alert:
    days = (as_of - r.first_on).days
    return project_alert("allocated_not_started", r, (
        f"{r.first_on} 起安排资金(截至 {as_of} 共 {money(r.allocated)} 元),"
        f"已 {days} 天仍未开工(超过 {ctx.thresholds.start_after_allocation_days} 天)"),
        days=days, amount=r.allocated)


def completed_not_settled(as_of, filt, ctx):
    """Yellow: 完工 done as of D, 报账 not done as of D, MORE than N days
    (settle_after_completion_days) after 完工: D − 完工 date > N."""
    n = ctx.thresholds.settle_after_completion_days
    done = aliased(Milestone)
    settled = aliased(Milestone)
    return (
        select(*project_head(), done.done_on)
        .join(Unit, Unit.id == Project.unit_id)
        .join(done, and_(done.project_id == Project.id, done.kind == K.COMPLETED))
        .where(done.is_done(as_of), done.done_on < ago(as_of, n),
               ~select(settled.id).where(settled.project_id == Project.id,
                                          settled.kind == K.SETTLED, settled.is_done(as_of))
               .correlate(Project).exists(),
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_completed_not_settled(r, as_of, ctx) -> Alert:
    days = (as_of - r.done_on).days
    return project_alert("completed_not_settled", r, (
        f"已于 {r.done_on} 完工,已 {days} 天仍未报账"
        f"(超过 {ctx.thresholds.settle_after_completion_days} 天)"), days=days)


def settlement_without_acceptance(as_of, filt, ctx):
    """Red: a 结算款 payment dated <= D whose project had no 验收 done on or before the
    payment's date (none, or a later one). Posting refuses this, but imported or changed
    milestone dates can make it so. One warning per payment."""
    accepted = aliased(Milestone)
    return (
        select(*project_head(), Disbursement.voucher_no, Disbursement.paid_on,
               Disbursement.amount, accepted.done_on)
        .select_from(Disbursement)
        .join(Project, Project.id == Disbursement.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(accepted, and_(accepted.project_id == Project.id,
                                  accepted.kind == K.ACCEPTED))
        .where(Disbursement.kind == PaymentKind.SETTLEMENT, Disbursement.paid_on <= as_of,
               or_(accepted.done_on.is_(None), accepted.done_on > Disbursement.paid_on),
               *filt.project_conditions(as_of))
        .order_by(Project.code, Disbursement.paid_on)
    )


def describe_settlement_without_acceptance(r, as_of, ctx) -> Alert:
    done = r.done_on if r.done_on and r.done_on <= as_of else None
    state = f"验收 {done} 才完成" if done else f"截至 {as_of} 未验收"
    return project_alert("settlement_without_acceptance", r, (
        f"结算款 {r.voucher_no} 于 {r.paid_on} 支付 {money(r.amount)} 元,{state}"),
        amount=r.amount, days=(as_of - r.paid_on).days)
