"""The cells of a county workbook: every worksheet's name, and one sheet's rows from row 1.

The one module of the mapping import that reads a file, through the importer's reading
layer (``workbook/xlsx.py``: openpyxl's rules for each cell's value, pandas' conversion),
so that the reader can be exchanged in one place.
"""

from __future__ import annotations

from ..xlsx import read_sheets

#: The rows of a sheet the header is looked for in (title rows and two header rows fit).
HEAD_ROWS = 30


class NoSuchSheet(LookupError):
    """The workbook has no sheet of that name."""


def sheet_names(path) -> list[str]:
    """The worksheets' names, in the workbook's order."""
    return [str(s.name) for s in read_sheets(path, wanted=lambda name: True)]


def read_grid(path, sheet: str, *, max_rows: int | None = None) -> list[tuple[int, list]]:
    """The rows of worksheet ``sheet`` that hold a cell, as (Excel row number, values),
    row 1 included; every column kept. Raises NoSuchSheet."""
    for table in read_sheets(path, wanted=lambda name: name == sheet.strip(),
                             beyond_header=True, max_rows=max_rows):
        rows = [(1, list(table.header))] if table.header else []
        rows.extend((number, list(values)) for number, values in table.rows)
        return rows
    raise NoSuchSheet(sheet)
