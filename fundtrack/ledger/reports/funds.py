"""资金台账 (funds): a row per channel, and the 合计; fund_row, the rates and balance of a row."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from ... import sheets
from ...cache import cached
from ...extensions import db
from ...funds.models import FundSource
from ...money import rate
from ...paging import apply_sort, limit_page, ratio
from .. import queries as q
from .base import (
    ALL,
    Report,
    column_sum,
    keep_page,
    make_report,
    or_zero,
    whole,
)


@cached(when=keep_page)
def fund_ledger(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
    stmt = q.per_source(as_of, filt, FundSource.code, FundSource.name)
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "source_code": c.code, "name": c.name, "amount_issued": c.amount_issued,
        "arrived": c.arrived, "arrival_rate": ratio(c.arrived, c.amount_issued),
        "allocated": c.allocated, "spent": c.spent, "recovered": c.recovered,
        "spending_rate": ratio(c.spent, func.coalesce(c.arrived, 0)
                               - func.coalesce(c.recovered, 0)),
        "balance": func.coalesce(c.arrived, 0) - func.coalesce(c.spent, 0)
        - func.coalesce(c.recovered, 0),
    }, FundSource.code)
    rows = [
        fund_row({"source_code": r.code, "name": r.name}, r.amount_issued, r.arrived,
                  r.allocated, r.spent, r.recovered)
        for r in db.session.execute(limit_page(ordered, page, per_page))
    ]
    if whole(page, per_page):  # every row is here: the total is their sum
        t = SimpleNamespace(rows=len(rows), **{
            name: column_sum(rows, key) for name, key in (
                ("issued", "amount_issued"), ("arrived", "arrived"),
                ("allocated", "allocated"), ("spent", "spent"), ("recovered", "recovered"))})
    else:
        sub = stmt.subquery()
        t = db.session.execute(select(
            func.sum(sub.c.amount_issued).label("issued"),
            func.sum(sub.c.arrived).label("arrived"),
            func.sum(sub.c.allocated).label("allocated"),
            func.sum(sub.c.spent).label("spent"),
            func.sum(sub.c.recovered).label("recovered"),
            func.count().label("rows"),
        )).one()
    total = fund_row({"source_code": sheets.TOTAL_LABEL, "name": None}, t.issued, t.arrived,
                      t.allocated, t.spent, t.recovered)
    return make_report(sheets.FUND_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


def fund_row(head: dict, issued, arrived, allocated, spent, recovered=None) -> dict:
    """A 资金台账 row (or total) from its amounts: the rates and balance, computed once.
    With recoveries (资金收回): 支出率 = 已支出 / (已到位 − 已收回), 结余 = 已到位 − 已支出 −
    已收回."""
    issued, arrived, allocated, spent, recovered = map(
        or_zero, (issued, arrived, allocated, spent, recovered))
    return {
        **head,
        "amount_issued": issued,
        "arrived": arrived,
        "arrival_rate": rate(arrived, issued),
        "allocated": allocated,
        "spent": spent,
        "recovered": recovered,
        "spending_rate": rate(spent, arrived - recovered),
        "balance": arrived - spent - recovered,
    }
