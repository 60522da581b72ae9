"""The ledger's side of a reconciliation: its payments dated in the export's range, each
net of its reversals, in one statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select, type_coerce
from sqlalchemy.orm import aliased

from ..enums import PaymentKind
from ..extensions import db
from ..funds.models import Disbursement, FundSource
from ..money import Money
from ..projects.models import Project
from .models import Explanation


@dataclass(frozen=True, slots=True)
class LedgerPayment:
    voucher_no: str
    project_code: str
    source_code: str
    paid_on: dt.date
    #: What the payment paid, net of its reversals dated on or before the export's end.
    amount: Decimal
    payee: str | None
    payee_account: str | None
    budget_subject: str | None
    #: 指标文号: the issuing document of the payment's channel (下达文号).
    document_no: str | None


def ledger_payments(start: dt.date, end: dt.date) -> list[LedgerPayment]:
    """The payments (reversals aside) dated from ``start`` to ``end``, with what their
    reversals dated ≤ ``end`` took back netted; a payment reversed whole is left out.
    In voucher order."""
    rev = aliased(Disbursement)
    taken = (
        select(rev.reverses_id.label("payment_id"), func.sum(rev.amount).label("taken"))
        .where(rev.reverses_id.is_not(None), rev.paid_on <= end)
        .group_by(rev.reverses_id)
        .subquery()
    )
    # in the column's stored unit (fen on SQLite), read back as Money
    net = Disbursement.amount + func.coalesce(taken.c.taken, 0)
    stmt = (
        select(Disbursement.voucher_no, Project.code, FundSource.code, Disbursement.paid_on,
               type_coerce(net, Money()), Disbursement.payee,
               Disbursement.payee_account, Disbursement.budget_subject,
               FundSource.document_no)
        .join(Project, Project.id == Disbursement.project_id)
        .join(FundSource, FundSource.id == Disbursement.source_id)
        .outerjoin(taken, taken.c.payment_id == Disbursement.id)
        .where(and_(Disbursement.kind != PaymentKind.REVERSAL,
                    Disbursement.paid_on >= start, Disbursement.paid_on <= end),
               net != 0)
        .order_by(Disbursement.voucher_no)
    )
    return [LedgerPayment(*r) for r in db.session.execute(stmt)]


def explanations() -> dict[tuple[str, str | None], Explanation]:
    """The latest explanation of each difference, by (treasury voucher, ledger voucher)."""
    found: dict[tuple[str, str | None], Explanation] = {}
    for e in db.session.scalars(select(Explanation).order_by(Explanation.id)):
        found[(e.voucher_no, e.ledger_voucher_no)] = e
    return found


def project_choices() -> list:
    """Every project's code and name, for the register form's list."""
    return db.session.execute(select(Project.code, Project.name).order_by(Project.code)).all()
