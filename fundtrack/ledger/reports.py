"""The five computed reports of the contract, as of a date, with their totals.

Each report is a fixed number of statements: the rows (one aggregating query) and, for a
page, the total row (one more, which also counts the rows; the overdue list, which has no
total, counts them instead). Without paging every row is fetched and the total is their
exact sum, so a whole report is one statement. A rate is computed here, once,
from the amounts of its own row (a total row's rate from the summed amounts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, literal, select

from .. import sheets
from ..cache import cached
from ..enums import MilestoneKind
from ..errors import Refused
from ..extensions import db
from ..funds.models import Allocation, Disbursement, FundSource
from ..milestones.models import Milestone
from ..money import ZERO, rate
from ..paging import apply_sort, count_rows, limit_page, ratio
from ..projects.models import Project, Unit
from . import queries as q
from .filters import LedgerFilter

_ALL = LedgerFilter()
_GROUP_CODE = {label: code for code, label in (sheets.GROUP_TOWNSHIP, sheets.GROUP_UNIT)}


@dataclass
class Report:
    sheet: sheets.Sheet
    as_of: dt.date
    region: str
    rows: list[dict]
    #: The 合计 row (None for the overdue list).
    total: dict | None
    #: Rows in the whole report (not only this page).
    count: int
    page: int | None = None
    per_page: int | None = None


def _report(sheet, as_of, rows, total, stmt, page, per_page, count=None) -> Report:
    """``count``: the rows of the whole report when the caller has it already (the total
    row's statement counts them too), else counted by one more statement when paged."""
    paged = page is not None and per_page is not None
    return Report(
        sheet=sheet,
        as_of=as_of,
        region=current_app.config["FUNDTRACK_REGION"],
        rows=rows,
        total=total,
        count=(count if count is not None else count_rows(stmt)) if paged else len(rows),
        page=page if paged else None,
        per_page=per_page if paged else None,
    )


def _paged(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> bool:
    """A page of a report is kept until the data changes; a whole report (an export, the
    API without paging) is not: it may hold every project."""
    return page is not None and per_page is not None


def _whole(page, per_page) -> bool:
    """All rows are fetched (no page asked for): a total row is then summed from them,
    exactly (Decimal), instead of aggregating the whole report a second time in SQL."""
    return page is None or per_page is None


def _column_sum(rows: list[dict], key: str):
    return sum((r[key] for r in rows), ZERO)


def _money(value):
    return ZERO if value is None else value


def _days(as_of: dt.date, first_overdue: dt.date | None) -> int:
    return (as_of - first_overdue).days if first_overdue else 0


# --- 项目台账 -------------------------------------------------------------------------


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


def _scalar(column, *where, source=None):
    """``SELECT column [FROM source] WHERE ...`` as a value in another statement."""
    stmt = select(column)
    if source is not None:
        stmt = stmt.select_from(source)
    return stmt.where(*where).scalar_subquery()


def _of_projects(model, as_of: dt.date, filt: LedgerFilter) -> list:
    """Conditions keeping the rows of ``model`` (with a project_id) of projects in scope."""
    projects = filt.project_ids(as_of)
    return [model.project_id.in_(projects)] if projects is not None else []


def _money_sums(as_of: dt.date, filt: LedgerFilter):
    """Σ allocated and Σ spent over the projects and channels in scope, as values."""
    alloc, paid = q.allocated(as_of, filt), q.spent(as_of, filt)
    return (select(alloc.c.allocated).scalar_subquery().label("allocated"),
            select(paid.c.spent).scalar_subquery().label("spent"))


def _project_total(as_of: dt.date, filt: LedgerFilter):
    """The 合计 of 项目台账 and its number of rows, summed straight from the tables (one
    statement, no per-project grouping): the same rules as the rows, so it equals their
    sum (tests/ledger/test_totals.py)."""
    conds = filt.project_conditions(as_of)
    overdue = (q.is_overdue(as_of), *_of_projects(Milestone, as_of, filt))
    return db.session.execute(select(
        _scalar(func.sum(Project.total_investment), *conds).label("total_investment"),
        *_money_sums(as_of, filt),
        _scalar(func.count(), *overdue, source=Milestone).label("overdue_count"),
        _scalar(func.min(Milestone.planned_on), *overdue).label("first_overdue"),
        _scalar(func.count(), *conds, source=Project).label("rows"),
    )).one()


@cached(when=_paged)
def project_ledger(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> Report:
    among = None if _whole(page, per_page) else \
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
    rows, firsts = [], []
    for r in db.session.execute(ordered):
        if r.first_overdue is not None:
            firsts.append(r.first_overdue)
        allocated, spent = _money(r.allocated), _money(r.spent)
        rows.append({
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
            "overdue_count": int(r.overdue_count or 0),
            "max_days_overdue": _days(as_of, r.first_overdue),
        })
    if _whole(page, per_page):  # every row is here: the total is their sum
        t = SimpleNamespace(
            total_investment=_column_sum(rows, "total_investment"),
            allocated=_column_sum(rows, "allocated"), spent=_column_sum(rows, "spent"),
            overdue_count=sum(r["overdue_count"] for r in rows),
            first_overdue=min(firsts, default=None), rows=len(rows))
    else:
        t = _project_total(as_of, filt)
    allocated, spent = _money(t.allocated), _money(t.spent)
    total = {
        **dict.fromkeys(sheets.PROJECT_LEDGER.keys),
        "project_code": sheets.TOTAL_LABEL,
        "total_investment": _money(t.total_investment),
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "overdue_count": int(t.overdue_count or 0),
        "max_days_overdue": _days(as_of, t.first_overdue),
    }
    return _report(sheets.PROJECT_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


# --- 项目资金台账 ---------------------------------------------------------------------


@cached(when=_paged)
def allocation_ledger(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> Report:
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
        allocated, spent = _money(r.allocated), _money(r.spent)
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
    if _whole(page, per_page):  # every row is here: the total is their sum
        t = SimpleNamespace(a=_column_sum(rows, "allocated"), s=_column_sum(rows, "spent"),
                            rows=len(rows))
    else:
        sub = stmt.subquery()
        t = db.session.execute(
            select(func.sum(sub.c.allocated).label("a"), func.sum(sub.c.spent).label("s"),
                   func.count().label("rows"))
        ).one()
    allocated, spent = _money(t.a), _money(t.s)
    total = {
        **dict.fromkeys(sheets.ALLOCATION_LEDGER.keys),
        "project_code": sheets.TOTAL_LABEL,
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "balance": allocated - spent,
    }
    return _report(sheets.ALLOCATION_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


# --- 资金台账 -------------------------------------------------------------------------


@cached(when=_paged)
def fund_ledger(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> Report:
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
    if _whole(page, per_page):  # every row is here: the total is their sum
        t = SimpleNamespace(rows=len(rows), **{
            name: _column_sum(rows, key) for name, key in (
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
    return _report(sheets.FUND_LEDGER, as_of, rows, total, stmt, page, per_page, t.rows)


def fund_row(head: dict, issued, arrived, allocated, spent, recovered=None) -> dict:
    """A 资金台账 row (or total) from its amounts: the rates and balance, computed once.
    With recoveries (资金收回): 支出率 = 已支出 / (已到位 − 已收回), 结余 = 已到位 − 已支出 −
    已收回."""
    issued, arrived, allocated, spent, recovered = map(
        _money, (issued, arrived, allocated, spent, recovered))
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


# --- 逾期清单 -------------------------------------------------------------------------


@cached(when=_paged)
def overdue_list(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> Report:
    stmt = (
        select(
            Project.code,
            Project.name,
            Unit.name.label("unit"),
            Project.responsible_person,
            Milestone.kind,
            Milestone.planned_on,
        )
        .join(Project, Project.id == Milestone.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(q.is_overdue(as_of), *filt.project_conditions(as_of))
    )
    c = stmt.selected_columns
    ordered = apply_sort(stmt, sort, {
        "project_code": c.code, "name": c.name, "unit": c.unit,
        "responsible_person": c.responsible_person, "milestone": c.kind,
        "planned_on": c.planned_on, "days_overdue": (c.planned_on, True),
    }, Milestone.planned_on, Project.code, Milestone.kind)
    rows = [
        {
            "project_code": r.code,
            "name": r.name,
            "unit": r.unit,
            "responsible_person": r.responsible_person,
            "milestone": r.kind.label,
            "planned_on": r.planned_on,
            "days_overdue": (as_of - r.planned_on).days,
        }
        for r in db.session.execute(limit_page(ordered, page, per_page))
    ]
    return _report(sheets.OVERDUE_LIST, as_of, rows, None, stmt, page, per_page)


# --- 汇总 -----------------------------------------------------------------------------


@cached()
def summary(as_of, filt=_ALL, *, page=None, per_page=None, sort=None) -> Report:
    per_project = _project_rows_with_progress(as_of, filt).subquery()

    def grouped(group, key):
        code, label = group
        col = per_project.c[key]
        return select(
            literal(code).label("group"),
            col.label("name"),
            *_summary_sums(per_project),
        ).group_by(col)

    stmt = grouped(sheets.GROUP_TOWNSHIP, "township").union_all(
        grouped(sheets.GROUP_UNIT, "unit")
    )
    result = db.session.execute(stmt).all()
    order = {sheets.GROUP_TOWNSHIP[0]: 0, sheets.GROUP_UNIT[0]: 1}
    labels = dict([sheets.GROUP_TOWNSHIP, sheets.GROUP_UNIT])
    result.sort(key=lambda r: (order[r.group], r.name))
    rows = [_summary_row({"group": labels[r.group], "name": r.name}, r) for r in result]
    if sort:  # within each group, by the column asked for (a few dozen rows)
        key = sort.lstrip("-")
        if key not in sheets.SUMMARY.keys or key == "group":
            raise Refused(f"不能按「{key}」排序", "sort")
        present = [r for r in rows if r[key] is not None]
        present.sort(key=lambda r: r[key], reverse=sort.startswith("-"))
        present.sort(key=lambda r: order[_GROUP_CODE[r["group"]]])
        rows = present + [r for r in rows if r[key] is None]
    # every project is in exactly one township (a required field): their sum is the total
    townships = [r for r in result if r.group == sheets.GROUP_TOWNSHIP[0]]
    total = _summary_row({"group": sheets.TOTAL_LABEL, "name": None}, SimpleNamespace(**{
        key: sum((_money(getattr(r, key)) if money else int(getattr(r, key) or 0)
                  for r in townships), ZERO if money else 0)
        for key, money in (("projects", False), ("started", False), ("completed", False),
                           ("total_investment", True), ("allocated", True), ("spent", True))
    }))
    paged = page is not None and per_page is not None
    return Report(
        sheet=sheets.SUMMARY,
        as_of=as_of,
        region=current_app.config["FUNDTRACK_REGION"],
        # a few dozen townships and units: paged here rather than in SQL
        rows=rows[(page - 1) * per_page: page * per_page] if paged else rows,
        total=total,
        count=len(rows),
        page=page if paged else None,
        per_page=per_page if paged else None,
    )


@cached()
def summary_total(as_of, filt=_ALL) -> dict:
    """The 合计 row of ``summary`` alone (the dashboard's progress): one statement,
    summed straight from the tables (a milestone is one row per project and 节点, so
    counting the done 开工 rows counts the started projects)."""
    conds = filt.project_conditions(as_of)

    def reached(kind):
        return _scalar(func.count(), Milestone.kind == kind, q.is_done(as_of),
                       *_of_projects(Milestone, as_of, filt), source=Milestone)

    t = db.session.execute(select(
        _scalar(func.count(), *conds, source=Project).label("projects"),
        reached(MilestoneKind.STARTED).label("started"),
        reached(MilestoneKind.COMPLETED).label("completed"),
        _scalar(func.sum(Project.total_investment), *conds).label("total_investment"),
        *_money_sums(as_of, filt),
    )).one()
    return _summary_row({"group": sheets.TOTAL_LABEL, "name": None}, t)


def _project_rows_with_progress(as_of, filt):
    alloc = q.allocated(as_of, filt, Allocation.project_id)
    paid = q.spent(as_of, filt, Disbursement.project_id)
    ms = q.milestone_stats(as_of)
    return (
        select(
            Project.township,
            Unit.name.label("unit"),
            Project.total_investment,
            alloc.c.allocated,
            paid.c.spent,
            func.coalesce(ms.c.started, 0).label("started"),
            func.coalesce(ms.c.completed, 0).label("completed"),
        )
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(alloc, alloc.c.project_id == Project.id)
        .outerjoin(paid, paid.c.project_id == Project.id)
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(*filt.project_conditions(as_of))
    )


def _summary_sums(sub):
    return (
        func.count().label("projects"),
        func.sum(sub.c.started).label("started"),
        func.sum(sub.c.completed).label("completed"),
        func.sum(sub.c.total_investment).label("total_investment"),
        func.sum(sub.c.allocated).label("allocated"),
        func.sum(sub.c.spent).label("spent"),
    )


def _summary_row(head: dict, r) -> dict:
    projects = int(r.projects or 0)
    started, completed = int(r.started or 0), int(r.completed or 0)
    investment, allocated, spent = map(_money, (r.total_investment, r.allocated, r.spent))
    return {
        **head,
        "projects": projects,
        "started": started,
        "start_rate": rate(started, projects),
        "completed": completed,
        "completion_rate": rate(completed, projects),
        "total_investment": investment,
        "allocated": allocated,
        "spent": spent,
        "spending_rate": rate(spent, allocated),
        "investment_completion_rate": rate(spent, investment),
    }


ReportFunction = Callable[..., Report]

#: The reports by the name the API uses (/api/v1/ledger/<name>).
REPORTS: dict[str, ReportFunction] = {
    "projects": project_ledger,
    "allocations": allocation_ledger,
    "funds": fund_ledger,
    "overdue": overdue_list,
    "summary": summary,
}
