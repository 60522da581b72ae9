"""项目台账 (projects): a row per project, its money and milestones, and the 合计."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import func, select

from ... import sheets
from ...cache import cached
from ...extensions import db
from ...funds.models import Allocation, Disbursement
from ...milestones.models import Milestone
from ...money import ZERO, rate
from ...paging import apply_sort, limit_page, ratio
from ...projects.models import Project, Unit
from .. import queries as q
from ..filters import LedgerFilter
from .base import (
    ALL,
    Report,
    Streamed,
    count_of,
    days_overdue,
    keep_page,
    make_report,
    money_sums,
    of_projects,
    or_zero,
    region,
    scalar,
    streamed,
    whole,
)


def _project_rows_stmt(as_of: dt.date, filt: LedgerFilter, among=None):
    """The 项目台账 rows; ``among``: a subquery of project ids to sum for (one page's),
    else every project in scope."""
    alloc = q.allocated(as_of, filt, Allocation.project_id, among=among)
    paid = q.spent(as_of, filt, Disbursement.project_id, among=among)
    ms = q.milestone_stats(as_of, among=among)
    return (
        select(
            Project.code,
            Project.name,
            Project.township,
            Unit.name.label("unit"),
            Project.responsible_person,
            Project.total_investment,
            alloc.c.allocated,
            paid.c.spent,
            ms.c.current,
            ms.c.overdue_count,
            ms.c.first_overdue,
        )
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(alloc, alloc.c.project_id == Project.id)
        .outerjoin(paid, paid.c.project_id == Project.id)
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(*filt.project_conditions(as_of))
    )


#: The 项目台账 columns that are the project's own (not summed as of a date): sorted by
#: one of these, a page is chosen before anything is summed.
_PROJECT_SORTS = {
    "project_code": Project.code, "name": Project.name, "township": Project.township,
    "unit": Unit.name, "responsible_person": Project.responsible_person,
    "total_investment": Project.total_investment,
}


def _page_of_projects(as_of, filt, page, per_page, sort):
    """The ids of one page's projects, in the page's order, as a subquery; None when the
    order depends on the sums (then every project is summed to sort them)."""
    if sort and sort.lstrip("-") not in _PROJECT_SORTS:
        return None
    stmt = (select(Project.id).join(Unit, Unit.id == Project.unit_id)
            .where(*filt.project_conditions(as_of)))
    return limit_page(apply_sort(stmt, sort, _PROJECT_SORTS, Project.code), page, per_page)


def _project_total(as_of: dt.date, filt: LedgerFilter):
    """The 合计 of 项目台账 and its number of rows, summed straight from the tables (one
    statement, no per-project grouping): the same rules as the rows, so it equals their
    sum (tests/ledger/test_totals.py)."""
    conds = filt.project_conditions(as_of)
    overdue = (Milestone.is_overdue(as_of), *of_projects(Milestone, as_of, filt))
    return db.session.execute(select(
        scalar(func.sum(Project.total_investment), *conds).label("total_investment"),
        *money_sums(as_of, filt),
        scalar(func.count(), *overdue, source=Milestone).label("overdue_count"),
        scalar(func.min(Milestone.planned_on), *overdue).label("first_overdue"),
        scalar(func.count(), *conds, source=Project).label("rows"),
    )).one()


@cached(when=keep_page)
def project_ledger(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> Report:
    among = None if whole(page, per_page) else \
        _page_of_projects(as_of, filt, page, per_page, sort)
    stmt = _project_rows_stmt(as_of, filt, among)
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "project_code": c.code, "name": c.name, "township": c.township, "unit": c.unit,
        "responsible_person": c.responsible_person, "total_investment": c.total_investment,
        "allocated": c.allocated, "spent": c.spent,
        "spending_rate": ratio(c.spent, c.allocated), "current_milestone": c.current,
        "overdue_count": c.overdue_count,
        "max_days_overdue": (func.coalesce(c.first_overdue, as_of), True),
    }, Project.code)
    if among is not None:  # the page's projects only: ordered, not limited again
        ordered = ordered.where(Project.id.in_(among))
    else:
        ordered = limit_page(ordered, page, per_page)
    sums = _Sums()
    rows = list(_rows(db.session.execute(ordered), as_of, sums))
    t = sums if whole(page, per_page) else _project_total(as_of, filt)
    total = _total_row(as_of, t)
    return make_report(sheets.PROJECT_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


def project_ledger_stream(as_of, filt=ALL) -> Streamed:
    """The whole 项目台账 for the workbook: its rows fetched in chunks as they are
    written, the 合计 summed from them as they pass (the same rows, order and total as
    ``project_ledger(as_of, filt)``)."""
    stmt = _project_rows_stmt(as_of, filt).order_by(Project.code)
    sums = _Sums()
    # a row per project in scope: counted without summing anything
    projects = (select(Project.id).join(Unit, Unit.id == Project.unit_id)
                .where(*filt.project_conditions(as_of)))
    return Streamed(sheets.PROJECT_LEDGER, as_of, region(), _rows(streamed(stmt), as_of, sums),
                    lambda: _total_row(as_of, sums), count_of(projects))


class _Sums:
    """The 合计 of the rows as they pass (the names of _project_total's columns)."""

    def __init__(self):
        self.total_investment = self.allocated = self.spent = ZERO
        self.overdue_count = self.rows = 0
        self.first_overdue = None


def _rows(result, as_of: dt.date, sums: _Sums) -> Iterator[dict]:
    for r in result:
        if r.first_overdue is not None and (
                sums.first_overdue is None or r.first_overdue < sums.first_overdue):
            sums.first_overdue = r.first_overdue
        allocated, spent = or_zero(r.allocated), or_zero(r.spent)
        overdue = int(r.overdue_count or 0)
        sums.total_investment += r.total_investment
        sums.allocated += allocated
        sums.spent += spent
        sums.overdue_count += overdue
        sums.rows += 1
        yield {
            "project_code": r.code,
            "name": r.name,
            "township": r.township,
            "unit": r.unit,
            "responsible_person": r.responsible_person,
            "total_investment": r.total_investment,
            "allocated": allocated,
            "spent": spent,
            "spending_rate": rate(spent, allocated),
            "current_milestone": r.current.label if r.current else None,
            "overdue_count": overdue,
            "max_days_overdue": days_overdue(as_of, r.first_overdue),
        }


def _total_row(as_of: dt.date, t) -> dict:
    allocated, spent = or_zero(t.allocated), or_zero(t.spent)
    return {
        **dict.fromkeys(sheets.PROJECT_LEDGER.keys),
        "project_code": sheets.TOTAL_LABEL,
        "total_investment": or_zero(t.total_investment),
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "overdue_count": int(t.overdue_count or 0),
        "max_days_overdue": days_overdue(as_of, t.first_overdue),
    }
