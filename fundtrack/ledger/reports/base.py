"""What every report shares: the Report it returns, the scope of every project and
channel, and the small sums and conditions the reports are built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ... import sheets
from ...extensions import db
from ...money import ZERO
from ...paging import count_rows
from .. import queries as q
from ..filters import LedgerFilter

ALL = LedgerFilter()


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


#: Rows fetched at a time by a streamed report.
STREAM_CHUNK = 1000


@dataclass
class Streamed:
    """A whole report for the workbook: its rows fetched from the database in chunks as
    they are iterated (once), its total row summed from them as they pass, there once
    they all have. The workbook writes it as it writes a Report. Nothing is read before
    the rows are: ``count()`` says beforehand how many there will be (one count
    statement, for the export's progress)."""

    sheet: sheets.Sheet
    as_of: dt.date
    region: str
    rows: Iterator[dict]
    finish: Callable[[], dict | None]
    counter: Callable[[], int] | None = field(default=None, repr=False)

    @property
    def total(self) -> dict | None:
        return self.finish()

    def count(self) -> int:
        """The rows the report will have (not its total row); 0 when not known."""
        return 0 if self.counter is None else self.counter()


def streamed(stmt) -> Iterator:
    """The rows of ``stmt`` from a server-side cursor, ``STREAM_CHUNK`` at a time (on
    PostgreSQL psycopg would otherwise hold the whole result in libpq's memory); the
    statement runs when the first row is asked for, not before."""
    yield from db.session.execute(stmt.execution_options(yield_per=STREAM_CHUNK))


def count_of(stmt) -> Callable[[], int]:
    """A counter for Streamed: the rows of ``stmt``, counted by the database."""
    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(
            stmt.order_by(None).subquery()))
    return count


def region() -> str:
    return current_app.config["FUNDTRACK_REGION"]


def make_report(sheet, as_of, rows, total, stmt, page, per_page, count=None) -> Report:
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


def keep_page(as_of, filt=ALL, *, page=None, per_page=None, sort=None) -> bool:
    """A page of a report is kept until the data changes; a whole report (an export, the
    API without paging) is not: it may hold every project."""
    return page is not None and per_page is not None


def whole(page, per_page) -> bool:
    """All rows are fetched (no page asked for): a total row is then summed from them,
    exactly (Decimal), instead of aggregating the whole report a second time in SQL."""
    return page is None or per_page is None


def column_sum(rows: list[dict], key: str):
    return sum((r[key] for r in rows), ZERO)


def or_zero(value):
    return ZERO if value is None else value


def days_overdue(as_of: dt.date, first_overdue: dt.date | None) -> int:
    return (as_of - first_overdue).days if first_overdue else 0


def scalar(column, *where, source=None):
    """``SELECT column [FROM source] WHERE ...`` as a value in another statement."""
    stmt = select(column)
    if source is not None:
        stmt = stmt.select_from(source)
    return stmt.where(*where).scalar_subquery()


def of_projects(model, as_of: dt.date, filt: LedgerFilter) -> list:
    """Conditions keeping the rows of ``model`` (with a project_id) of projects in scope."""
    projects = filt.project_ids(as_of)
    return [model.project_id.in_(projects)] if projects is not None else []


def money_sums(as_of: dt.date, filt: LedgerFilter):
    """Σ allocated and Σ spent over the projects and channels in scope, as values."""
    alloc, paid = q.allocated(as_of, filt), q.spent(as_of, filt)
    return (select(alloc.c.allocated).scalar_subquery().label("allocated"),
            select(paid.c.spent).scalar_subquery().label("spent"))


ReportFunction = Callable[..., Report]
