"""The figures of the front page (首页) as the monthly reports state them: the fund ledger
summed by channel category (资金类别), and the values the ledger screens filter by.

``by_category`` aggregates exactly the rows of ``fund_ledger`` (same subqueries, same
scope), so the categories add up to the fund ledger's 合计 row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, func, literal, select, union_all

from .. import sheets
from ..cache import cached
from ..enums import FundCategory
from ..extensions import db
from ..funds.models import FundSource
from ..money import ZERO
from ..projects.models import Project, Unit
from . import queries as q
from .filters import LedgerFilter
from .reports import fund_row

_ALL = LedgerFilter()


def _fund_rows(as_of: dt.date, filt: LedgerFilter):
    """One row per fund source in scope, as in ``fund_ledger``, with its category."""
    return q.per_source(as_of, filt, FundSource.category)


def _row(head: dict, sources, issued, arrived, allocated, spent, recovered) -> dict:
    return {**head, "sources": int(sources or 0),
            **fund_row({}, issued, arrived, allocated, spent, recovered)}


@cached()
def by_category(as_of: dt.date, filt: LedgerFilter = _ALL) -> list[dict]:
    """The fund ledger summed per channel category, one row per category in the fixed
    order (a category without channels has zero amounts and no rates). One statement."""
    sub = _fund_rows(as_of, filt).subquery()
    stmt = select(
        sub.c.category,
        func.count().label("sources"),
        func.sum(sub.c.amount_issued).label("issued"),
        func.sum(sub.c.arrived).label("arrived"),
        func.sum(sub.c.allocated).label("allocated"),
        func.sum(sub.c.spent).label("spent"),
        func.sum(sub.c.recovered).label("recovered"),
    ).group_by(sub.c.category)
    found = {r.category: r for r in db.session.execute(stmt)}
    rows = []
    for category in FundCategory:
        r = found.get(category)
        head = {"category": category.label, "code": category.value}
        if r is None:
            rows.append(_row(head, 0, None, None, None, None, None))
        else:
            rows.append(_row(head, r.sources, r.issued, r.arrived, r.allocated, r.spent,
                             r.recovered))
    return rows


def category_total(rows: list[dict]) -> dict:
    """The 合计 of ``by_category`` rows: amounts summed, rates from the sums."""
    def total(key):
        return sum((r[key] for r in rows), ZERO)

    return _row(
        {"category": sheets.TOTAL_LABEL, "code": None},
        sum(r["sources"] for r in rows),
        total("amount_issued"), total("arrived"), total("allocated"), total("spent"),
        total("recovered"),
    )


@cached()
def filter_choices() -> dict[str, list]:
    """The values the ledger filters offer (years, townships, units, project categories),
    each sorted. One statement."""
    def values(kind, column):
        return select(literal(kind).label("kind"), cast(column, String).label("value")) \
            .where(column.is_not(None)).distinct()

    stmt = union_all(
        values("year", Project.year),
        values("year", FundSource.year),
        values("township", Project.township),
        values("unit", Unit.name),
        values("category", Project.category),
    )
    out: dict[str, set] = {"year": set(), "township": set(), "unit": set(), "category": set()}
    for kind, value in db.session.execute(stmt):
        if value not in (None, ""):
            out[kind].add(value)
    return {
        "years": sorted((int(y) for y in out["year"]), reverse=True),
        "townships": sorted(out["township"]),
        "units": sorted(out["unit"]),
        "categories": sorted(out["category"]),
    }
