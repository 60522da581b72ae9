"""项目资金台账 (allocations): a row per project and channel it is allocated from, and the 合计."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from ... import sheets
from ...cache import cached
from ...extensions import db
from ...funds.models import Allocation, Disbursement, FundSource
from ...money import ZERO, rate
from ...paging import apply_sort, limit_page, ratio
from ...projects.models import Project
from .. import queries as q
from .base import (
    ALL,
    Report,
    Streamed,
    count_of,
    keep_page,
    make_report,
    or_zero,
    region,
    streamed,
    whole,
)


def _statement(as_of, filt):
    alloc = q.allocated(as_of, filt, Allocation.project_id, Allocation.source_id)
    paid = q.spent(as_of, filt, Disbursement.project_id, Disbursement.source_id)
    stmt = (
        select(
            Project.code.label("project_code"),
            Project.name,
            FundSource.code.label("source_code"),
            FundSource.name.label("source_name"),
            alloc.c.allocated,
            paid.c.spent,
        )
        .select_from(alloc)
        .join(Project, Project.id == alloc.c.project_id)
        .join(FundSource, FundSource.id == alloc.c.source_id)
        .outerjoin(
            paid,
            (paid.c.project_id == alloc.c.project_id) & (paid.c.source_id == alloc.c.source_id),
        )
    )
    return stmt


@cached(when=keep_page)
def allocation_ledger(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
    stmt = _statement(as_of, filt)
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "project_code": c.project_code, "name": c.name, "source_code": c.source_code,
        "source_name": c.source_name, "allocated": c.allocated, "spent": c.spent,
        "spending_rate": ratio(c.spent, c.allocated),
        "balance": c.allocated - func.coalesce(c.spent, 0),
    }, Project.code, FundSource.code)
    sums = _Sums()
    rows = list(_rows(db.session.execute(limit_page(ordered, page, per_page)), sums))
    if whole(page, per_page):  # every row is here: the total is their sum
        t = sums
    else:
        sub = stmt.subquery()
        t = db.session.execute(
            select(func.sum(sub.c.allocated).label("a"), func.sum(sub.c.spent).label("s"),
                   func.count().label("rows"))
        ).one()
    total = _total_row(t)
    return make_report(sheets.ALLOCATION_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


def allocation_ledger_stream(as_of, filt=ALL) -> Streamed:
    """The whole 项目资金台账 for the workbook, streamed (see Streamed): the same rows,
    order and total as ``allocation_ledger(as_of, filt)``."""
    stmt = _statement(as_of, filt).order_by(Project.code, FundSource.code)
    sums = _Sums()
    # a row per project and channel allocated to it: counted without the payments
    alloc = q.allocated(as_of, filt, Allocation.project_id, Allocation.source_id)
    pairs = (select(alloc.c.project_id).select_from(alloc)
             .join(Project, Project.id == alloc.c.project_id)
             .join(FundSource, FundSource.id == alloc.c.source_id))
    return Streamed(sheets.ALLOCATION_LEDGER, as_of, region(), _rows(streamed(stmt), sums),
                    lambda: _total_row(sums), count_of(pairs))


class _Sums:
    """The 合计 of the rows as they pass (a: allocated, s: spent)."""

    def __init__(self):
        self.a = self.s = ZERO
        self.rows = 0


def _rows(result, sums: _Sums) -> Iterator[dict]:
    for r in result:
        allocated, spent = or_zero(r.allocated), or_zero(r.spent)
        sums.a += allocated
        sums.s += spent
        sums.rows += 1
        yield {
            "project_code": r.project_code,
            "name": r.name,
            "source_code": r.source_code,
            "source_name": r.source_name,
            "allocated": allocated,
            "spent": spent,
            "spending_rate": rate(spent, allocated),
            "balance": allocated - spent,
        }


def _total_row(t) -> dict:
    allocated, spent = or_zero(t.a), or_zero(t.s)
    return {
        **dict.fromkeys(sheets.ALLOCATION_LEDGER.keys),
        "project_code": sheets.TOTAL_LABEL,
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "balance": allocated - spent,
    }
