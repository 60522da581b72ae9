"""Reading back what fundtrack wrote: exported workbooks (openpyxl) and table counts."""

from __future__ import annotations

import openpyxl
from sqlalchemy import func, select

from fundtrack.extensions import db
from fundtrack.models import data_tables


def open_book(path):
    return openpyxl.load_workbook(path)


def values(ws) -> list[tuple]:
    """Every row of a sheet as a list of cell values."""
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def table_counts() -> dict[str, int]:
    """Rows in every table (the change history included), in the current app."""
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in data_tables()
    }
