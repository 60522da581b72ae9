"""The 支出 list's read side beyond its rows: the 合计 of everything a filter selects
(every page, reversals netted), and the rows of its download in the 支出明细 format."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..money import ZERO
from .models import FundSource


def payments_total(stmt) -> tuple[int, Decimal]:
    """(number of payments and reversals, Σ amounts) of the selection ``stmt`` (a
    statement of the payments list, unsorted), in one statement."""
    rows = stmt.subquery()
    count, amount = db.session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.amount), 0))).one()
    return int(count), Decimal(amount or ZERO).quantize(Decimal("0.01"))


def sheet_rows(stmt) -> Iterator[dict]:
    """The selection's rows with the 支出明细 sheet's keys, streamed."""
    for r in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield {"voucher_no": r.voucher_no, "project_code": r.project_code,
               "source_code": r.source_code, "paid_on": r.paid_on, "amount": r.amount,
               "kind": r.kind, "payee": r.payee, "reverses": r.reverses, "memo": r.memo}


def channel_choices() -> list:
    """Every channel's code and name, newest year first: where a project's 资金安排 may
    come from (the rules of allocating stay with the allocation form)."""
    return db.session.execute(select(FundSource.code, FundSource.name, FundSource.year)
                              .order_by(FundSource.year.desc(), FundSource.code)).all()
