"""Money month by month over a year, as of a date: what was spent and recovered (资金收回)
in each month, what had been spent, recovered and what had arrived by the end of each
month (cumulative, all dates up to then, so the month of the as-of date ends on the fund
ledger's 合计: its 已支出, 已收回 and 已到位).

One statement: payments, recoveries and arrivals summed by SQL per month of the year,
with one more bucket (month 0) for everything dated before the year. Months after the
as-of date have no figures. The channels in scope are those of the fund ledger (``per_source``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, extract, func, literal, select, union_all

from ..extensions import db
from ..funds.models import Disbursement, FundArrival, FundSource, Recovery
from ..money import ZERO, Money
from . import queries as q
from .filters import LedgerFilter

_ALL = LedgerFilter()


@dataclass
class Month:
    month: int
    #: Paid (reversals negative) in the month, up to the as-of date.
    spent: object
    #: Σ paid, Σ arrived dated up to the month's end (or the as-of date in its month).
    spent_to_date: object
    arrived_to_date: object
    #: Recovered (资金收回) in the month, up to the as-of date.
    recovered: object = None
    #: Σ recovered dated up to the month's end (or the as-of date in its month).
    recovered_to_date: object = None


def _bucket(column, year: int):
    """Month 1..12 of ``year``; 0 before the year (after the year never gets here)."""
    return case((column < dt.date(year, 1, 1), 0),
                else_=extract("month", column)).label("month")


def monthly_series(year: int, as_of: dt.date, filt: LedgerFilter = _ALL) -> list[Month]:
    """Twelve months of ``year``; a month that starts after ``as_of`` has None figures."""
    end = min(as_of, dt.date(year, 12, 31))
    sources = q.per_source(as_of, filt, FundSource.id.label("id")).subquery()
    spent = (
        select(literal("spent").label("kind"), _bucket(Disbursement.paid_on, year),
               Disbursement.amount.label("amount"))
        .where(Disbursement.paid_on <= end, Disbursement.source_id.in_(select(sources.c.id)))
    )
    projects = filt.project_ids(as_of)
    if projects is not None:  # only the payments of the projects in scope, as per_source
        spent = spent.where(Disbursement.project_id.in_(projects))
    arrived = (
        select(literal("arrived").label("kind"), _bucket(FundArrival.arrived_on, year),
               FundArrival.amount.label("amount"))
        .where(FundArrival.arrived_on <= end, FundArrival.source_id.in_(select(sources.c.id)))
    )
    recovered = (
        select(literal("recovered").label("kind"), _bucket(Recovery.recovered_on, year),
               Recovery.amount.label("amount"))
        .where(Recovery.recovered_on <= end, Recovery.source_id.in_(select(sources.c.id)))
    )
    both = union_all(spent, arrived, recovered).subquery()
    total = func.sum(both.c.amount, type_=Money()).label("amount")
    stmt = select(both.c.kind, both.c.month, total) \
        .group_by(both.c.kind, both.c.month)
    sums: dict[tuple[str, int], object] = {}
    for kind, month, amount in db.session.execute(stmt):
        sums[(kind, int(month))] = amount if amount is not None else ZERO
    out = []
    spent_to_date = sums.get(("spent", 0), ZERO)
    arrived_to_date = sums.get(("arrived", 0), ZERO)
    recovered_to_date = sums.get(("recovered", 0), ZERO)
    for m in range(1, 13):
        if dt.date(year, m, 1) > as_of:
            out.append(Month(m, None, None, None))
            continue
        paid = sums.get(("spent", m), ZERO)
        taken = sums.get(("recovered", m), ZERO)
        spent_to_date += paid
        arrived_to_date += sums.get(("arrived", m), ZERO)
        recovered_to_date += taken
        out.append(Month(m, paid, spent_to_date, arrived_to_date, taken, recovered_to_date))
    return out
