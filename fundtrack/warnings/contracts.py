"""Rules that hold payments against the contracts (合同), one statement each: paid beyond a
project's contracts, a 质保金 paid before its date, a 质保金 coming due, and 直接委托 on a
project that had to be tendered.

A contract counts as of D from its 签订日期 (one without a date at every D), as in the
project page's 合同金额 (ledger/contracts.py). Payments do not name a contract: they are
held against the project's contracts taken together."""

from __future__ import annotations

from sqlalchemy import func, select

from ..contracts.models import Contract, retention_of
from ..enums import PaymentKind, TenderMethod
from ..formatting import money
from ..funds.models import Disbursement
from ..ledger import queries as q
from ..money import format_rate
from ..projects.models import Project, Unit
from .base import Alert, ahead, project_alert, project_head
from .funding import is_payment


def paid_beyond_contracts(as_of, filt, ctx):
    """Yellow: a project with contracts counting as of D (Σ 合同金额 > 0) whose spent as
    of D (payments and reversals dated <= D) is MORE than that sum; spent equal to it
    does not warn. A project without any contract is not asked (many ledgers keep none)."""
    signed = q.contracted(as_of, Contract.project_id)
    paid = q.spent(as_of, filt, Disbursement.project_id)
    return (
        select(*project_head(), signed.c.contracted, paid.c.spent)
        .join(Unit, Unit.id == Project.unit_id)
        .join(signed, signed.c.project_id == Project.id)
        .join(paid, paid.c.project_id == Project.id)
        .where(signed.c.contracted > 0, paid.c.spent > signed.c.contracted,
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_paid_beyond_contracts(r, as_of, ctx) -> Alert:
    beyond = r.spent - r.contracted
    return project_alert("paid_beyond_contracts", r, (
        f"截至 {as_of} 合同金额合计 {money(r.contracted)} 元,已支出 {money(r.spent)} 元,"
        f"超出合同 {money(beyond)} 元"), amount=beyond)


def retention_paid_early(as_of, filt, ctx):
    """Yellow: a 质保金 payment dated <= D (reversals are not payments) made BEFORE the
    retention of the project's contracts was due: before the earliest 质保期满日期 among
    its contracts that have one and count as of D. Paid on the due date itself is fine.
    One warning per payment."""
    due = (
        select(Contract.project_id, func.min(Contract.retention_due_on).label("due_on"))
        .where(Contract.retention_due_on.is_not(None), q.contract_counts(as_of))
        .group_by(Contract.project_id).subquery()
    )
    return (
        select(*project_head(), Disbursement.voucher_no, Disbursement.paid_on,
               Disbursement.amount, due.c.due_on)
        .select_from(Disbursement)
        .join(Project, Project.id == Disbursement.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .join(due, due.c.project_id == Project.id)
        .where(Disbursement.kind == PaymentKind.RETENTION, is_payment(),
               Disbursement.paid_on <= as_of, Disbursement.paid_on < due.c.due_on,
               *filt.project_conditions(as_of))
        .order_by(Project.code, Disbursement.paid_on, Disbursement.voucher_no)
    )


def describe_retention_paid_early(r, as_of, ctx) -> Alert:
    days = (r.due_on - r.paid_on).days
    return project_alert("retention_paid_early", r, (
        f"质保金 {r.voucher_no} 于 {r.paid_on} 支付 {money(r.amount)} 元,"
        f"合同质保期 {r.due_on} 才满(提前 {days} 天)"), amount=r.amount, days=days)


def retention_due(as_of, filt, ctx):
    """Blue: a contract counting as of D with a 质保金 (质保金比例 > 0) whose 质保期满日期
    falls within the next N days (due_soon_days, as 节点临近): D <= due <= D + N (due
    today is blue; N + 1 days ahead is not). One warning per contract."""
    n = ctx.thresholds.due_soon_days
    return (
        select(*project_head(), Contract.contract_no, Contract.amount,
               Contract.retention_rate, Contract.retention_due_on)
        .select_from(Contract)
        .join(Project, Project.id == Contract.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(Contract.retention_rate > 0, q.contract_counts(as_of),
               Contract.retention_due_on >= as_of,
               Contract.retention_due_on <= ahead(as_of, n),
               *filt.project_conditions(as_of))
        .order_by(Project.code, Contract.retention_due_on, Contract.contract_no)
    )


def describe_retention_due(r, as_of, ctx) -> Alert:
    days = (r.retention_due_on - as_of).days
    left = "今天期满" if days == 0 else f"还有 {days} 天期满"
    retention = retention_of(r.amount, r.retention_rate)
    return project_alert("retention_due", r, (
        f"合同 {r.contract_no} 质保金 {money(retention)} 元"
        f"({format_rate(r.retention_rate)})质保期 {r.retention_due_on} 满,{left}"
        f"(提前 {ctx.thresholds.due_soon_days} 天提示)"), amount=retention, days=days)


def direct_award_above_threshold(as_of, filt, ctx):
    """Red: a contract counting as of D whose 招标方式 is 直接委托 on a project whose total
    investment is ABOVE the tendering threshold (> threshold; equal need not be
    tendered). One warning per contract."""
    return (
        select(*project_head(), Project.total_investment, Contract.contract_no,
               Contract.amount, Contract.signed_on)
        .select_from(Contract)
        .join(Project, Project.id == Contract.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(Contract.tender_method == TenderMethod.DIRECT, q.contract_counts(as_of),
               Project.total_investment > ctx.tender_threshold,
               *filt.project_conditions(as_of))
        .order_by(Project.code, Contract.contract_no)
    )


def describe_direct_award_above_threshold(r, as_of, ctx) -> Alert:
    signed = f"{r.signed_on} 签订" if r.signed_on else "签订日期未填"
    return project_alert("direct_award_above_threshold", r, (
        f"总投资 {money(r.total_investment)} 元超过招标限额 {money(ctx.tender_threshold)} 元,"
        f"合同 {r.contract_no}({signed},{money(r.amount)} 元)招标方式为直接委托"),
        amount=r.amount, days=(as_of - r.signed_on).days if r.signed_on else None)
