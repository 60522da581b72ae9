"""A project's money beside its contracts, as of D: allocated (安排资金), contracted
(合同金额) and paid (已支出), one statement. The project page and the API read it; the
warning 支付超合同 compares the same two sums (warnings/contracts.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ..contracts.models import Contract
from ..extensions import db
from ..funds.models import Allocation, Disbursement
from ..money import ZERO, Money
from .queries import allocation_counts, contract_counts


@dataclass(frozen=True)
class ContractFigures:
    allocated: Decimal
    contracted: Decimal
    spent: Decimal

    @property
    def beyond(self) -> Decimal:
        """What is paid beyond the contracts (0 when within them, or with no contract:
        the warning asks only of a project that has contracts)."""
        if self.contracted <= 0:
            return ZERO
        return max(self.spent - self.contracted, ZERO)

    @property
    def uncontracted(self) -> Decimal:
        """Allocated money no contract covers yet (never negative)."""
        return max(self.allocated - self.contracted, ZERO)


def project_figures(project_id: int, as_of: dt.date) -> ContractFigures:
    """Allocated (allocations counting as of D), contracted (contracts signed on or
    before D, or undated) and spent (payments and reversals dated <= D) of one project."""
    def total(stmt):
        return func.coalesce(stmt.scalar_subquery(), 0, type_=Money())

    allocated = select(func.sum(Allocation.amount)).where(
        Allocation.project_id == project_id, allocation_counts(as_of))
    contracted = select(func.sum(Contract.amount)).where(
        Contract.project_id == project_id, contract_counts(as_of))
    spent = select(func.sum(Disbursement.amount)).where(
        Disbursement.project_id == project_id, Disbursement.paid_on <= as_of)
    row = db.session.execute(select(
        total(allocated).label("allocated"), total(contracted).label("contracted"),
        total(spent).label("spent"))).one()
    return ContractFigures(*row)
