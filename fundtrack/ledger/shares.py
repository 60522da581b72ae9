"""重点村占比: the share of each channel's allocations, and of each unit's, going to
projects in priority (poor) villages (重点村 = 是), as of a date, against a target.

share = allocated to priority projects / allocated, both as of D (allocations without a
date count at every D), the projects and channels in scope as in the other reports. A
total row's share comes from the summed amounts. Each group is one statement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import case, func, select

from .. import sheets
from ..extensions import db
from ..funds.models import Allocation, FundSource
from ..money import ZERO, rate
from ..projects.models import Project, Unit
from . import queries as q
from .filters import LedgerFilter

_ALL = LedgerFilter()


def _sums():
    priority = func.sum(case((Project.priority.is_(True), Allocation.amount), else_=0))
    return func.sum(Allocation.amount).label("allocated"), priority.label("priority")


def _base(as_of: dt.date, filt: LedgerFilter, *head):
    stmt = (
        select(*head, *_sums())
        .join(Project, Project.id == Allocation.project_id)
        .join(FundSource, FundSource.id == Allocation.source_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(q.allocation_counts(as_of), *filt.project_conditions(as_of),
               *filt.source_conditions())
    )
    return stmt.group_by(*head) if head else stmt


def _row(head: dict, allocated, priority, target: Decimal) -> dict:
    allocated = ZERO if allocated is None else Decimal(allocated)
    priority = ZERO if priority is None else Decimal(priority)
    share = rate(priority, allocated)
    return {**head, "allocated": allocated, "priority": priority, "share": share,
            "target": target, "below": share is not None and share < target}


def _total(as_of, filt, target) -> dict:
    t = db.session.execute(_base(as_of, filt)).one()
    return _row({"name": sheets.TOTAL_LABEL}, t.allocated, t.priority, target)


def by_channel(as_of: dt.date, target: Decimal, filt: LedgerFilter = _ALL):
    """Rows per fund source that allocated anything (by code), and the 合计."""
    stmt = _base(as_of, filt, FundSource.code, FundSource.name).order_by(FundSource.code)
    rows = [_row({"code": r.code, "name": r.name}, r.allocated, r.priority, target)
            for r in db.session.execute(stmt)]
    return rows, _total(as_of, filt, target)


def by_unit(as_of: dt.date, target: Decimal, filt: LedgerFilter = _ALL):
    """Rows per responsible unit whose projects have allocations (by name), and the 合计."""
    stmt = _base(as_of, filt, Unit.name).order_by(Unit.name)
    rows = [_row({"name": r.name}, r.allocated, r.priority, target)
            for r in db.session.execute(stmt)]
    return rows, _total(as_of, filt, target)
