"""结转结余 (carry-over ledger) as of a date D, one row per channel of 年度 ≤ D's year Y
(DOMAIN.md "The year"):

- 上年结转 = arrived − spent − recovered, each dated ≤ 31 December of Y−1;
- 本年到位, 本年支出, 本年收回 = arrivals, payments (reversals negative) and recoveries
  dated in Y and ≤ D;
- 期末结余 = 上年结转 + 本年到位 − 本年支出 − 本年收回;
- age, first in first out: spending and recoveries use up the oldest money first. With
  U = spent + recovered as of D, 结存1年以上 = max(0, Σ arrivals dated on or before the
  same calendar day one year before D − U) (29 February → 28 February); 结存2年以上
  likewise with two years.

The amounts are a channel's own (like 已到位 in the 资金台账): a filter on projects (a
township, a unit...) keeps the channels funding them, with their whole money. One
aggregating statement whatever the number of channels and payments; the ages and the
合计 row (the exact sum of the rows) are computed from its sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flask import current_app
from sqlalchemy import case, func, literal, select, type_coerce

from ... import sheets
from ...cache import cached
from ...errors import Refused
from ...extensions import db
from ...funds.models import Allocation, Disbursement, FundArrival, FundSource, Recovery
from ...money import ZERO, Money
from ..filters import LedgerFilter
from .base import Report

_ALL = LedgerFilter()
#: The amounts of a row, in the sheet's order after the head.
AMOUNTS = ("carried_in", "arrived_this_year", "spent_this_year", "recovered_this_year",
           "balance", "idle_over_1y", "idle_over_2y")


def years_before(day: dt.date, years: int) -> dt.date | None:
    """The same calendar day ``years`` years before ``day`` (29 February → 28 February);
    None before the first year there is (nothing can be that old)."""
    if day.year - years < dt.MINYEAR:
        return None
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _sums(model, dated, as_of: dt.date, year_end: dt.date, *extra):
    """Per channel: Σ amount dated ≤ the end of last year, Σ dated in this year ≤ D, and
    Σ dated ≤ each ``extra`` date; labelled ``before``, ``this_year``, ``upto_<i>``."""
    def upto(day):
        if day is None:  # a day before the calendar begins: nothing is dated by then
            return literal(0)
        return func.sum(case((dated <= day, model.amount), else_=ZERO))

    this_year = func.sum(model.amount) if year_end is None else \
        func.sum(case((dated > year_end, model.amount), else_=ZERO))

    return (
        select(
            model.source_id,
            upto(year_end).label("before"),
            this_year.label("this_year"),
            *(upto(day).label(f"upto_{i}") for i, day in enumerate(extra)),
        )
        .where(dated <= as_of)
        .group_by(model.source_id)
        .subquery()
    )


def _money(column):
    """A sum that may be missing (no row in the outer join) as money, 0 when missing."""
    return type_coerce(func.coalesce(column, ZERO), Money())


def _idle(arrived_by, used):
    """max(0, Σ arrivals dated by the cut − U): the age's one expression (FIFO)."""
    left = type_coerce(_money(arrived_by) - used, Money())
    return type_coerce(case((left > ZERO, left), else_=ZERO), Money())


def statement(as_of: dt.date, filt: LedgerFilter = _ALL):
    """The one aggregating statement: per channel in scope its code, name and year, the
    sums before this year and in this year, ``used`` (U: spent + recovered as of D) and
    the ages ``idle_1y`` and ``idle_2y`` computed by the database. The warnings
    (warnings/carryover.py) select from it; they never restate the age."""
    # the end of last year; none in the first year there is
    year_end = dt.date(as_of.year - 1, 12, 31) if as_of.year > dt.MINYEAR else None
    arr = _sums(FundArrival, FundArrival.arrived_on, as_of, year_end,
                years_before(as_of, 1), years_before(as_of, 2))
    paid = _sums(Disbursement, Disbursement.paid_on, as_of, year_end)
    rec = _sums(Recovery, Recovery.recovered_on, as_of, year_end)
    used = type_coerce(_money(paid.c.before) + _money(paid.c.this_year)
                       + _money(rec.c.before) + _money(rec.c.this_year), Money())
    stmt = (
        select(FundSource.id.label("source_id"), FundSource.code, FundSource.name,
               FundSource.year,
               arr.c.before.label("arrived_before"), arr.c.this_year.label("arrived_now"),
               paid.c.before.label("spent_before"), paid.c.this_year.label("spent_now"),
               rec.c.before.label("recovered_before"), rec.c.this_year.label("recovered_now"),
               used.label("used"),
               _idle(arr.c.upto_0, used).label("idle_1y"),
               _idle(arr.c.upto_1, used).label("idle_2y"))
        .outerjoin(arr, arr.c.source_id == FundSource.id)
        .outerjoin(paid, paid.c.source_id == FundSource.id)
        .outerjoin(rec, rec.c.source_id == FundSource.id)
        .where(FundSource.year <= as_of.year, *filt.source_conditions())
        .order_by(FundSource.code)
    )
    projects = replace(filt, year=None).project_ids(as_of)
    if projects is not None:  # the channels funding the projects in scope
        stmt = stmt.where(FundSource.id.in_(
            select(Allocation.source_id).where(Allocation.project_id.in_(projects))))
    return stmt


def _row(r) -> dict:
    def m(value):
        return ZERO + value if value is not None else ZERO

    carried = m(r.arrived_before) - m(r.spent_before) - m(r.recovered_before)
    arrived, spent, recovered = m(r.arrived_now), m(r.spent_now), m(r.recovered_now)
    return {
        "source_code": r.code,
        "name": r.name,
        "year": r.year,
        "carried_in": carried,
        "arrived_this_year": arrived,
        "spent_this_year": spent,
        "recovered_this_year": recovered,
        "balance": carried + arrived - spent - recovered,
        "idle_over_1y": m(r.idle_1y),
        "idle_over_2y": m(r.idle_2y),
    }


def _sort_key(key: str):
    def by(row):
        value = row[key]
        return (value is None, value)
    return by


@cached()
def carryover(as_of: dt.date, filt: LedgerFilter = _ALL, *, page=None, per_page=None,
              sort=None) -> Report:
    """The 结转结余 rows as of ``as_of`` and their 合计 (sorted by ``sort``, "-key" for
    descending, and paged like the other reports)."""
    rows = [_row(r) for r in db.session.execute(statement(as_of, filt))]
    total = {"source_code": sheets.TOTAL_LABEL, "name": None, "year": None,
             **{key: sum((r[key] for r in rows), ZERO) for key in AMOUNTS}}
    if sort:
        key = sort.lstrip("-")
        if key not in sheets.CARRYOVER.keys:
            raise Refused(f"不能按「{key}」排序", "sort")
        rows.sort(key=lambda r: r["source_code"])
        rows.sort(key=_sort_key(key), reverse=sort.startswith("-"))
    count = len(rows)
    paged = page is not None and per_page is not None
    if paged:
        rows = rows[(page - 1) * per_page: page * per_page]
    return Report(sheet=sheets.CARRYOVER, as_of=as_of,
                  region=current_app.config["FUNDTRACK_REGION"], rows=rows, total=total,
                  count=count, page=page if paged else None,
                  per_page=per_page if paged else None)
