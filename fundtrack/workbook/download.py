"""Sending a workbook to the browser: written to a temporary file, streamed from disk in
chunks and removed once sent (never the whole workbook in memory), under a file name
that says what it holds (a filtered download never takes the whole one's name)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable

import xlsxwriter
from flask import Response

from .. import sheets
from ..web import remove_quietly, send_temporary
from .styles import WORKBOOK_OPTIONS, Styles, write_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Characters no file name may hold on the users' systems.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(what: str, parts: Iterable[str], tail: str) -> str:
    """``台账`` + (``城关镇``, ``县水利局``) + ``截至2024-06-30`` →
    ``台账_城关镇_县水利局_截至2024-06-30.xlsx``; without parts, ``台账_全部_…``."""
    chosen = [_UNSAFE.sub("-", p).strip() for p in parts if p]
    return "_".join([what, *(chosen or ["全部"]), tail]) + ".xlsx"


def xlsx_response(write: Callable[[str], None], name: str) -> Response:
    """``write(path)`` fills a temporary file; the response streams it and removes it."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write(path)
    except BaseException:
        remove_quietly(path)
        raise
    return send_temporary(path, XLSX, name, "fundtrack.xlsx")


def write_sheet(path: str, sheet: sheets.Sheet, rows: Iterable[dict], title: str,
                total: dict | None = None) -> None:
    """One sheet: a title line, the header, the rows and, when given, the 合计 row."""
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    styles = Styles(workbook)
    ws = workbook.add_worksheet(sheet.name)
    for i, c in enumerate(sheet.columns):
        ws.set_column(i, i, c.width)
    ws.write_string(0, 0, title, styles.title)
    for i, c in enumerate(sheet.columns):
        ws.write_string(1, i, c.header, styles.header)
    row = 1
    for row, r in enumerate(rows, start=2):  # noqa: B007  (the last row is wanted)
        for i, c in enumerate(sheet.columns):
            write_cell(ws, row, i, c.kind, r[c.key], styles.cell[c.kind])
    if total is not None:
        row += 1
        for i, c in enumerate(sheet.columns):
            write_cell(ws, row, i, c.kind, total.get(c.key), styles.total[c.kind])
    workbook.close()
