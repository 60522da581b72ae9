"""The read side of 资金 and 支出: the payment rows the pages list (with the 合计 and the
download of a filter's selection), the channels a project may draw on, how much of a
payment is still reversible (one expression for the rule in funds.service, the reversal
form, the payments list, the channel page and the project page), and the figures the
payment form shows before the amount is typed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal, select, type_coerce
from sqlalchemy.orm import aliased

from ..attachments import queries as documents
from ..extensions import db
from ..money import ZERO, Money
from ..projects.models import Project
from . import balances
from .models import Disbursement, FundSource


def reversals():
    """Per payment, what its reversals took back so far, as a positive amount: a subquery
    with ``payment_id`` and ``taken``."""
    return (
        select(Disbursement.reverses_id.label("payment_id"),
               type_coerce(-func.sum(Disbursement.amount), Money()).label("taken"))
        .where(Disbursement.reverses_id.is_not(None))
        .group_by(Disbursement.reverses_id)
        .subquery()
    )


def reversible(payment, taken):
    """How much of ``payment`` (Disbursement or an alias) may still be reversed, given the
    ``reversals()`` subquery joined to it: its amount less what was taken back; nothing for
    a reversal, which is not reversed itself (invariant 4)."""
    return type_coerce(case(
        (payment.reverses_id.is_not(None), literal(0)),
        else_=payment.amount - func.coalesce(taken.c.taken, 0),
    ), Money())


def reversible_of(payment: Disbursement) -> tuple[Decimal, Decimal]:
    """(taken back so far, still reversible) of one payment, read from the database."""
    taken = reversals()
    row = db.session.execute(
        select(taken.c.taken, reversible(Disbursement, taken))
        .select_from(Disbursement)
        .outerjoin(taken, taken.c.payment_id == Disbursement.id)
        .where(Disbursement.id == payment.id)
    ).one()
    return _money(row[0]), _money(row[1])


def _money(value) -> Decimal:
    return ZERO if value is None else value


#: The columns the payments list may be sorted by.
PAYMENT_SORTS = {
    "voucher_no": Disbursement.voucher_no, "paid_on": Disbursement.paid_on,
    "project_code": Project.code, "source_code": FundSource.code,
    "amount": Disbursement.amount, "kind": Disbursement.kind, "payee": Disbursement.payee,
}


def payments(*, project=None, source=None, kind=None, date_from=None, date_to=None,
             search=None, incomplete=None):
    """One row per payment with its project, channel, the voucher it reverses, what its
    reversals took back (``taken``) and what is still reversible (``reversible``): one
    statement whatever the page size. ``incomplete``, the payment checklist (settings),
    keeps the payments lacking a document it wants (要件不全, as the warning: not a
    reversal, nor a payment reversed in full)."""
    original = aliased(Disbursement)
    taken = reversals()
    stmt = (
        select(
            Disbursement.id, Disbursement.voucher_no, Disbursement.paid_on,
            Disbursement.amount, Disbursement.kind, Disbursement.payee, Disbursement.memo,
            Disbursement.payee_account, Disbursement.budget_subject,
            Project.code.label("project_code"), Project.name.label("project_name"),
            FundSource.code.label("source_code"), FundSource.name.label("source_name"),
            original.voucher_no.label("reverses"), taken.c.taken,
            reversible(Disbursement, taken).label("reversible"),
        )
        .join(Project, Project.id == Disbursement.project_id)
        .join(FundSource, FundSource.id == Disbursement.source_id)
        .outerjoin(original, original.id == Disbursement.reverses_id)
        .outerjoin(taken, taken.c.payment_id == Disbursement.id)
    )
    if project:
        stmt = stmt.where(Project.code == project)
    if source:
        stmt = stmt.where(FundSource.code == source)
    if kind is not None:
        stmt = stmt.where(Disbursement.kind == kind)
    if date_from:
        stmt = stmt.where(Disbursement.paid_on >= date_from)
    if date_to:
        stmt = stmt.where(Disbursement.paid_on <= date_to)
    if search:
        stmt = stmt.where(Disbursement.voucher_no.contains(search, autoescape=True)
                          | Disbursement.payee.contains(search, autoescape=True))
    if incomplete is not None:
        stmt = stmt.where(documents.incomplete(Disbursement, incomplete),
                          reversible(Disbursement, taken) > 0)
    return stmt


@dataclass
class ProjectPayment:
    payment: Disbursement
    source_code: str
    source_name: str
    #: The voucher a reversal takes back.
    reverses: str | None
    #: What the payment's reversals took back so far, and what is still reversible.
    taken: Decimal
    reversible: Decimal


def payments_of(project: Project) -> list[ProjectPayment]:
    """The project's payments and reversals, newest first, with channel and original."""
    original = aliased(Disbursement)
    taken = reversals()
    stmt = (
        select(Disbursement, FundSource.code, FundSource.name, original.voucher_no,
               taken.c.taken, reversible(Disbursement, taken))
        .join(FundSource, FundSource.id == Disbursement.source_id)
        .outerjoin(original, original.id == Disbursement.reverses_id)
        .outerjoin(taken, taken.c.payment_id == Disbursement.id)
        .where(Disbursement.project_id == project.id)
        .order_by(Disbursement.paid_on.desc(), Disbursement.id.desc())
    )
    return [ProjectPayment(p, code, name, rev, _money(t), _money(left))
            for p, code, name, rev, t, left in db.session.execute(stmt)]


def payments_total(stmt) -> tuple[int, Decimal]:
    """(number of payments and reversals, Σ amounts) of the selection ``stmt`` (``payments()``,
    unsorted), in one statement."""
    rows = stmt.subquery()
    count, amount = db.session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.amount), 0))).one()
    return int(count), Decimal(amount or ZERO).quantize(Decimal("0.01"))


def sheet_rows(stmt) -> Iterator[dict]:
    """The selection's rows with the 支出明细 sheet's keys, streamed."""
    for r in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield {"voucher_no": r.voucher_no, "project_code": r.project_code,
               "source_code": r.source_code, "paid_on": r.paid_on, "amount": r.amount,
               "kind": r.kind, "payee": r.payee, "reverses": r.reverses, "memo": r.memo,
               "payee_account": r.payee_account, "budget_subject": r.budget_subject}


def channel_choices() -> list:
    """Every channel's code and name, newest year first: where a project's 资金安排 may
    come from (the rules of allocating stay with the allocation form)."""
    return db.session.execute(select(FundSource.code, FundSource.name, FundSource.year)
                              .order_by(FundSource.year.desc(), FundSource.code)).all()


def availability(project: Project | None, source: FundSource | None, paid_on) -> dict:
    """What the payment form shows before the amount is typed: the pair's allocation and
    the channel's arrived balance available at the payment date (what the rules allow)."""
    out = {"remaining_allocation": None, "available_cash": None, "paid_on": paid_on}
    out["project_name"] = project.name if project is not None else None
    if source is not None:
        out["available_cash"] = balances.cash_available(source, paid_on)
        if project is not None:
            out["remaining_allocation"] = balances.remaining_allocation(
                project, source, paid_on)
    return out
