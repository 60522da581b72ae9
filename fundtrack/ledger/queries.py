"""The aggregating subqueries the reports are built from, all as of a date D.

What is dated counts when its date <= D; allocations without a date count at every D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import and_, case, func, or_, select

from ..contracts.models import Contract
from ..enums import MilestoneKind
from ..funds.models import Allocation, Disbursement, FundArrival, FundSource, Recovery
from ..milestones.models import Milestone
from .filters import LedgerFilter


def _scoped(stmt, model, filt: LedgerFilter, as_of: dt.date, among=None):
    """Restrict money rows to the projects and channels in scope (and, with ``among``,
    a subquery of project ids, to those projects)."""
    projects, sources = filt.project_ids(as_of), filt.source_ids()
    if projects is not None:
        stmt = stmt.where(model.project_id.in_(projects))
    if among is not None:
        stmt = stmt.where(model.project_id.in_(among))
    if sources is not None:
        stmt = stmt.where(model.source_id.in_(sources))
    return stmt


def allocation_counts(as_of: dt.date):
    return or_(Allocation.allocated_on.is_(None), Allocation.allocated_on <= as_of)


def allocated(as_of: dt.date, filt: LedgerFilter, *by, among=None):
    """Σ allocations per ``by`` columns (of Allocation), labelled ``allocated``."""
    stmt = select(*by, func.sum(Allocation.amount).label("allocated")).where(
        allocation_counts(as_of)
    )
    return _scoped(stmt, Allocation, filt, as_of, among).group_by(*by).subquery()


def spent(as_of: dt.date, filt: LedgerFilter, *by, among=None):
    """Σ payments and reversals dated <= D per ``by`` columns, labelled ``spent``."""
    stmt = select(*by, func.sum(Disbursement.amount).label("spent")).where(
        Disbursement.paid_on <= as_of
    )
    return _scoped(stmt, Disbursement, filt, as_of, among).group_by(*by).subquery()


def contract_counts(as_of: dt.date):
    """A contract counts from its 签订日期 on; one without a date at every D."""
    return or_(Contract.signed_on.is_(None), Contract.signed_on <= as_of)


def contracted(as_of: dt.date, *by):
    """Σ contract amounts (合同金额) counting as of D per ``by`` columns (of Contract),
    labelled ``contracted``."""
    return (
        select(*by, func.sum(Contract.amount).label("contracted"))
        .where(contract_counts(as_of))
        .group_by(*by)
        .subquery()
    )


def arrived(as_of: dt.date):
    """Σ arrivals dated <= D per channel, labelled ``arrived``."""
    return (
        select(FundArrival.source_id, func.sum(FundArrival.amount).label("arrived"))
        .where(FundArrival.arrived_on <= as_of)
        .group_by(FundArrival.source_id)
        .subquery()
    )


def recovered(as_of: dt.date):
    """Σ recoveries (资金收回) dated <= D per channel, labelled ``recovered``."""
    return (
        select(Recovery.source_id, func.sum(Recovery.amount).label("recovered"))
        .where(Recovery.recovered_on <= as_of)
        .group_by(Recovery.source_id)
        .subquery()
    )


def milestone_stats(as_of: dt.date, among=None):
    """Per project: current milestone, overdue count, earliest overdue plan, started,
    completed; with ``among`` (a subquery of project ids) for those projects only."""

    def reached(kind: MilestoneKind):
        return func.max(case((and_(Milestone.kind == kind, Milestone.is_done(as_of)), 1), else_=0))

    return (
        select(
            Milestone.project_id,
            func.max(case((Milestone.is_done(as_of), Milestone.kind))).label("current"),
            func.sum(case((Milestone.is_overdue(as_of), 1), else_=0)).label("overdue_count"),
            func.min(case((Milestone.is_overdue(as_of), Milestone.planned_on)))
            .label("first_overdue"),
            reached(MilestoneKind.STARTED).label("started"),
            reached(MilestoneKind.COMPLETED).label("completed"),
        )
        .where(*([Milestone.project_id.in_(among)] if among is not None else []))
        .group_by(Milestone.project_id)
        .subquery()
    )


def per_source(as_of: dt.date, filt: LedgerFilter, *head):
    """One row per channel in scope: the ``head`` columns (of FundSource), then
    amount_issued, arrived, allocated, spent and recovered as of D.

    Issued, arrived and recovered are the channel's own; allocated and spent count only the
    projects in scope. When a filter other than the year narrows the projects (a
    township, a unit...), only the channels funding them are listed.
    """
    arr = arrived(as_of)
    alloc = allocated(as_of, filt, Allocation.source_id)
    paid = spent(as_of, filt, Disbursement.source_id)
    rec = recovered(as_of)
    stmt = (
        select(*head, FundSource.amount_issued, arr.c.arrived, alloc.c.allocated, paid.c.spent,
               rec.c.recovered)
        .outerjoin(arr, arr.c.source_id == FundSource.id)
        .outerjoin(rec, rec.c.source_id == FundSource.id)
        .outerjoin(alloc, alloc.c.source_id == FundSource.id)
        .outerjoin(paid, paid.c.source_id == FundSource.id)
        .where(*filt.source_conditions())
    )
    if replace(filt, year=None).narrows_projects:
        stmt = stmt.where(alloc.c.allocated.is_not(None))
    return stmt
