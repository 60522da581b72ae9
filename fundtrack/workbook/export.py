"""Export: the audit workbook as of a date, in the format of CONTRACT.md.

The data sheets hold every row whatever the as-of date (``year`` keeps only that
year's projects and fund sources, and the rows joining only kept ones); the computed
sheets follow, from the ledger functions, as of the date, then 绩效自评
(performance/evaluation.py), then 月报, then 要件 (every stored document of the kept
owners, as a data sheet: header in row 1, no total).
Everything is read in one read-only transaction, so the sheets agree with each other
even while others write.

The workbook is written to a temporary file beside the target and moved onto it at the
end: a reader never sees half a workbook, and a failed export leaves the old file alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator

import xlsxwriter
from flask import current_app
from xlsxwriter.worksheet import Worksheet

from .. import clock, sheets
from ..database import read_only
from ..extensions import db
from ..ledger import LedgerFilter, Report
from ..ledger.monthly import monthly_report, sheet_rows
from ..ledger.reports import REGISTRY, Streamed
from ..performance.evaluation import self_evaluation_stream
from .datasheets import DATA, Scope, documents
from .styles import (
    LINE_HEIGHT,
    WORKBOOK_OPTIONS,
    Styles,
    Widths,
    cell_writer,
    display_width,
    page_setup,
)

#: The computed sheets, in the contract's order: the reports of the registry, streamed
#: from the database where they grow with the ledger (their 合计 summed as they pass),
#: then 绩效自评 (streamed too: a row per project).
LEDGERS = (*(kind.stream or kind.function for kind in REGISTRY), self_evaluation_stream)
#: Those of LEDGERS that stream: they read nothing before their rows are asked for.
STREAMS = frozenset({*(kind.stream for kind in REGISTRY if kind.stream),
                     self_evaluation_stream})

#: Rows written between two progress reports (a report per row would cost time).
PROGRESS_EVERY = 1000

#: progress(rows done, rows in all, sheets=(sheets done, sheets in all)): the rows are
#: the data sheets', 要件's and the streamed computed sheets' (counted up front), the
#: sheets every sheet of the workbook.
Progress = Callable[..., None]


def export_workbook(
    path, *, as_of: dt.date, year: int | None = None, filt: LedgerFilter | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the audit workbook as of ``as_of`` to ``path`` (a file name, or a binary
    file object such as io.BytesIO).

    ``year`` is ``fundtrack export --year``; ``filt`` is a screen's whole selection
    (township, unit, ...): the data sheets then keep the projects in it, the channels
    funding them and the rows joining only kept ones, and the computed sheets cover it.
    ``progress`` is told the rows and sheets written every ``PROGRESS_EVERY`` rows, at
    each sheet's end and at the start (nothing written yet).
    """
    if filt is None:
        filt = LedgerFilter(year=year)
    elif year is not None and filt.year != year:
        raise ValueError("year and filt.year disagree")
    if not isinstance(path, str | os.PathLike):
        with _snapshot():
            _write(path, as_of, filt, progress)
        return
    target = os.path.abspath(os.fspath(path))
    directory, name = os.path.split(target)
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
    try:
        with _snapshot():
            _write(temp, as_of, filt, progress)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One read-only transaction for the whole workbook (unless the caller has one)."""
    if db.session().in_transaction():
        yield
        return
    with read_only():
        try:
            if db.engine.dialect.name == "postgresql":
                # One snapshot for every statement, not one per statement.
                db.session.connection(execution_options={
                    "isolation_level": "REPEATABLE READ", "postgresql_readonly": True,
                })
            yield
        finally:
            db.session.rollback()


@dataclasses.dataclass(frozen=True)
class _Print:
    """What every sheet's page header and footer state."""

    region: str
    as_of: dt.date
    exported_at: dt.datetime

    def setup(self, ws, widths: Widths, title_rows: int, *, gridlines: bool) -> list[int]:
        final = widths.final()
        page_setup(ws, sheet_name=ws.get_name(), region=self.region, as_of=self.as_of,
                   exported_at=self.exported_at, widths=final, title_rows=title_rows,
                   gridlines=gridlines)
        return final


class _Tally:
    """The progress of one export: counts the rows as they pass, tells every
    ``PROGRESS_EVERY`` of them and at each sheet's end."""

    def __init__(self, progress: Progress, rows: int, sheets: int):
        self.progress, self.rows, self.sheets = progress, rows, sheets
        self.rows_done = self.sheets_done = 0
        self.tell()

    def tell(self) -> None:
        self.progress(self.rows_done, self.rows, sheets=(self.sheets_done, self.sheets))

    def counted(self, rows: Iterable[dict]) -> Iterator[dict]:
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, PROGRESS_EVERY)):
            yield from chunk
            self.rows_done += len(chunk)
            self.tell()

    def sheet_done(self) -> None:
        self.sheets_done += 1
        self.tell()


def _write(target, as_of: dt.date, filt: LedgerFilter, progress: Progress | None) -> None:
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    printing = _Print(current_app.config["FUNDTRACK_REGION"], as_of,
                      clock.now().replace(tzinfo=None))
    try:
        styles = Styles(workbook)
        scope = Scope.of(filt, as_of)
        data = [(sheet, rows(scope)) for sheet, rows in DATA]
        # 要件: what is attached to what, laid out as a data sheet (export only)
        data.append((sheets.DOCUMENTS, documents(scope)))
        # the computed sheets: a streamed one reads nothing before its rows are asked
        # for; one of a few rows (a row per channel, township...) is built in its turn
        computed = [ledger(as_of, filt) if ledger in STREAMS else ledger
                    for ledger in LEDGERS]
        streams = [report for report in computed if isinstance(report, Streamed)]
        tally = None
        if progress is not None:
            # every sheet's rows that grow with the ledger: the data sheets' and the
            # streamed computed sheets' (a count statement each)
            tally = _Tally(progress, sum(rows.count() for _, rows in data)
                           + sum(report.count() for report in streams),
                           len(data) + len(computed) + 1)

        def counted(rows):
            return rows if tally is None else tally.counted(rows)

        def sheet_done():
            if tally is not None:
                tally.sheet_done()

        *kept, last = data
        for sheet, rows in kept:
            _data_sheet(workbook, styles, printing, sheet, counted(rows))
            sheet_done()
        for report in computed:
            if isinstance(report, Streamed):
                report.rows = counted(report.rows)
            else:
                report = report(as_of, filt)
            _computed_sheet(workbook, styles, printing, report, _describe(filt))
            sheet_done()
        _monthly_sheet(workbook, styles, printing, as_of, filt)
        sheet_done()
        _data_sheet(workbook, styles, printing, last[0], counted(last[1]))
        sheet_done()
    finally:
        workbook.close()


class _Worksheet(Worksheet):
    """xlsxwriter's worksheet (in constant_memory mode), forgetting a row's height once
    the row is on disk. ``set_row`` (a wrapped row made as tall as its lines) keeps the
    row's properties for the rest of the workbook's life, for pictures and charts
    placed over the rows, which the workbook has none of: a province's rows of wrapped
    text would keep hundreds of megabytes."""

    def _write_single_row(self, current_row_num=0) -> None:
        written = self.previous_row
        super()._write_single_row(current_row_num)
        self.row_info.pop(written, None)
        self.row_sizes.pop(written, None)


def _begin(workbook, styles: Styles, sheet: sheets.Sheet, header_row: int, part: int = 1):
    ws = workbook.add_worksheet(sheets.part_name(sheet.name, part), worksheet_class=_Worksheet)
    ws.freeze_panes(header_row + 1, 0)
    return ws


def _header(ws, styles: Styles, sheet: sheets.Sheet, row: int) -> None:
    for i, column in enumerate(sheet.columns):
        ws.write_string(row, i, column.header, styles.header)


def _rows(ws, sheet: sheets.Sheet, rows: Iterable[dict], first: int, formats,
          widths: Widths) -> int:
    """Write the rows from row index ``first``; the index of the last row written."""
    last = first - 1
    plan = [(i, c.key, cell_writer(ws, c.kind), formats[c.kind])
            for i, c in enumerate(sheet.columns)]
    see = widths.see
    for last, values in enumerate(rows, start=first):
        lines = see(values)
        if lines > 1:  # wrapped free text: the row as tall as its lines
            ws.set_row(last, LINE_HEIGHT * lines)
        for i, key, write, fmt in plan:
            write(last, i, values[key], fmt)
    return last


def _parts(rows: Iterable[dict], size: int) -> Iterator[tuple[int, Iterable[dict]]]:
    """(1, the first ``size`` rows), (2, the next ``size``)...: lazily, never a list. Always
    at least part 1 (perhaps empty); a part is started only when a row is left for it."""
    rows = iter(rows)
    part, first = 1, next(rows, None)
    while True:
        chunk = () if first is None else itertools.chain(
            (first,), itertools.islice(rows, size - 1))
        yield part, chunk
        first = next(rows, None)
        if first is None:
            return
        part += 1


def _data_sheet(workbook, styles: Styles, printing: _Print, sheet: sheets.Sheet,
                rows: Iterable[dict]) -> None:
    """Header in row 1, then the rows; no title, no total (import reads it back). Beyond
    Excel's row limit the sheet goes on in numbered parts, each with its header."""
    for part, chunk in _parts(rows, sheets.EXCEL_MAX_ROWS - 1):
        ws = _begin(workbook, styles, sheet, 0, part)
        _header(ws, styles, sheet, 0)
        widths = Widths(sheet.columns)
        last = _rows(ws, sheet, chunk, 1, styles.cell, widths)
        ws.autofilter(0, 0, max(last, 0), len(sheet.columns) - 1)
        printing.setup(ws, widths, 1, gridlines=True)


def selection(filt: LedgerFilter) -> list[str]:
    """The selection in words, each filter one part: ["2024年度", "城关镇"]."""
    parts = []
    if filt.year is not None:
        parts.append(f"{filt.year}年度")
    parts += [v for v in (filt.township, filt.village, filt.unit, filt.category) if v]
    if filt.priority is not None:
        parts.append("重点村" if filt.priority else "非重点村")
    if filt.search:
        parts.append(f"含“{filt.search}”")
    if filt.reached is not None:
        parts.append(f"已到{filt.reached.label}")
    if filt.overdue_only:
        parts.append("有逾期节点")
    return parts


def _describe(filt: LedgerFilter) -> str:
    """The selection, as the title line states it: "2024年度,城关镇,"."""
    return "".join(f"{p}," for p in selection(filt))


def _computed_sheet(workbook, styles: Styles, printing: _Print, report, scope: str, *,
                    whole: bool = False):
    """A title line stating region and as-of date, the header, the rows, the 合计 row
    (right below the last row: it prints with the table). Returns the (last) worksheet,
    the index of its last row written and its column widths. Beyond Excel's row limit
    the sheet goes on in numbered parts, unless ``whole`` (a sheet of a few rows)."""
    sheet = report.sheet
    d = report.as_of
    title = f"{report.region} {sheet.name}({scope}截至{d.year}年{d.month:02d}月{d.day:02d}日)"
    # title, header and the 合计 row take three of each part's rows
    size = sys.maxsize if whole else sheets.EXCEL_MAX_ROWS - 3
    for part, chunk in _parts(report.rows, size):
        ws = _begin(workbook, styles, sheet, 1, part)
        ws.write_string(0, 0, title, styles.title)
        _header(ws, styles, sheet, 1)
        widths = Widths(sheet.columns)
        last = _rows(ws, sheet, chunk, 2, styles.cell, widths)
        ws.autofilter(1, 0, max(last, 1), len(sheet.columns) - 1)
        final = printing.setup(ws, widths, 2, gridlines=False)
    if report.total is not None:
        last = _rows(ws, sheet, [report.total], last + 1, styles.total, widths)
        final = printing.setup(ws, widths, 2, gridlines=False)
    return ws, last, final


def _monthly_sheet(workbook, styles: Styles, printing: _Print, as_of: dt.date,
                   filt: LedgerFilter) -> None:
    """月报: the categories with their 合计, then (a blank row below) the paragraph. A
    handful of rows (one per channel category): never split in parts."""
    monthly = monthly_report(as_of, filt)
    *rows, total = sheet_rows(monthly)
    report = Report(sheets.MONTHLY, as_of, monthly.region, rows, total, len(rows))
    ws, last, widths = _computed_sheet(workbook, styles, printing, report, _describe(filt),
                                       whole=True)
    # the paragraph across the table's width, wrapped, its row as tall as its lines
    lines = -(-display_width(monthly.paragraph) // max(sum(widths) - 2, 1))
    ws.set_row(last + 2, LINE_HEIGHT * max(lines, 1))
    ws.merge_range(last + 2, 0, last + 2, len(widths) - 1, monthly.paragraph,
                   styles.paragraph)
