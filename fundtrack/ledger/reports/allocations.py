"""项目资金台账 (allocations): a row per project and channel it is allocated from, and the 合计."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from ... import sheets
from ...cache import cached
from ...extensions import db
from ...funds.models import Allocation, Disbursement, FundSource
from ...money import rate
from ...paging import apply_sort, limit_page, ratio
from ...projects.models import Project
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
def allocation_ledger(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
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
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "project_code": c.project_code, "name": c.name, "source_code": c.source_code,
        "source_name": c.source_name, "allocated": c.allocated, "spent": c.spent,
        "spending_rate": ratio(c.spent, c.allocated),
        "balance": c.allocated - func.coalesce(c.spent, 0),
    }, Project.code, FundSource.code)
    rows = []
    for r in db.session.execute(limit_page(ordered, page, per_page)):
        allocated, spent = or_zero(r.allocated), or_zero(r.spent)
        rows.append({
            "project_code": r.project_code,
            "name": r.name,
            "source_code": r.source_code,
            "source_name": r.source_name,
            "allocated": allocated,
            "spent": spent,
            "spending_rate": rate(spent, allocated),
            "balance": allocated - spent,
        })
    if whole(page, per_page):  # every row is here: the total is their sum
        t = SimpleNamespace(a=column_sum(rows, "allocated"), s=column_sum(rows, "spent"),
                            rows=len(rows))
    else:
        sub = stmt.subquery()
        t = db.session.execute(
            select(func.sum(sub.c.allocated).label("a"), func.sum(sub.c.spent).label("s"),
                   func.count().label("rows"))
        ).one()
    allocated, spent = or_zero(t.a), or_zero(t.s)
    total = {
        **dict.fromkeys(sheets.ALLOCATION_LEDGER.keys),
        "project_code": sheets.TOTAL_LABEL,
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "balance": allocated - spent,
    }
    return make_report(sheets.ALLOCATION_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)
