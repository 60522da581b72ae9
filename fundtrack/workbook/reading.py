"""Reading an imported workbook: its data sheets, row by row, into checked Python values.

Only what a cell says is checked here (a date that is no date, three decimals, an unknown
节点, a missing value, text its field does not allow: fundtrack.fields). Every rule of the
ledger is left to the services, which the importer calls afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import current_app, has_app_context

from .. import fields, sheets
from .cells import CellError, is_blank, reader
from .report import Problem
from .xlsx import RowTooFar, Sheet, TooLarge, TooManyRows, read_sheets

#: FUNDTRACK_MAX_IMPORT_ROWS's default: three times a county's whole ledger.
DEFAULT_MAX_IMPORT_ROWS = 200_000


@dataclass(slots=True)
class Row:
    sheet: sheets.Sheet
    #: The row number as Excel shows it.
    number: int
    #: The value of every column of the sheet, by key (None when empty or absent).
    values: dict
    #: False when a cell could not be read: the row is reported, never applied.
    ok: bool = True
    #: The part of a sheet written in parts (支出明细(2) is part 2), see sheets.part_name.
    part: int = 1

    @property
    def where(self) -> str:
        """The worksheet the row is on, as problems name it."""
        return sheets.part_name(self.sheet.name, self.part)

    def __getitem__(self, key):
        return self.values[key]

    def header(self, key: str) -> str:
        """The header problems name for field ``key`` (the sheet's first column's for a
        key the sheet has no column of)."""
        sheet = self.sheet
        return sheet.column(key).header if key in sheet.keys else sheet.columns[0].header


@dataclass
class Workbook:
    #: Rows of the data sheets found, by sheet name, in sheet order.
    rows: dict[str, list[Row]]
    problems: list[Problem]


class RowBeyondLimit(Exception):
    """A data row beyond what an import may hold (``max_import_rows``): (its sheet, its
    row number)."""


def max_import_rows() -> int:
    """The most data rows one import may hold (FUNDTRACK_MAX_IMPORT_ROWS)."""
    if has_app_context():
        return current_app.config["FUNDTRACK_MAX_IMPORT_ROWS"]
    return DEFAULT_MAX_IMPORT_ROWS


def display_name(path, name: str | None = None) -> str:
    """The workbook's name as its user knows it: ``name`` (an upload's own file name),
    else the file's."""
    if name:
        return name
    if isinstance(path, str | os.PathLike):
        return os.path.basename(os.fspath(path))
    # werkzeug's FileStorage has .filename, a file has .name
    return getattr(path, "filename", None) or getattr(path, "name", None) or "上传的文件"


def read_workbook(path, *, name: str | None = None) -> Workbook:
    """The data sheets of the workbook at ``path`` (a file name or a binary file object);
    computed and unknown sheets are ignored. ``name``: the file's name as the user gave
    it (an upload kept under another name), for the messages.

    Memory follows the cells that exist: the rows are streamed from the file and only the
    data rows are kept, at most ``max_import_rows()`` of them: a workbook with more rows
    that hold a value is refused before any is read (they are counted on the unzipped
    bytes), and one with a data row numbered beyond the limit when that row is met.
    """
    name = display_name(path, name)
    limit = max_import_rows()
    #: (sheet, part) → its rows and problems; the parts of a sheet (支出明细, 支出明细(2),
    #: ...) are one sheet, read in order from part 1 while the next part is there.
    read: dict[tuple[str, int], tuple[list[Row], list[Problem]]] = {}
    try:
        kept = 0
        for table in read_sheets(path, wanted=lambda label: sheets.part_of(label)[0] in _DATA,
                                 max_rows=limit, width=_width):
            base, part = sheets.part_of(str(table.name).strip())
            found: list[Problem] = []
            got = _read_sheet(_BY_NAME[base], table, found, part, limit - kept)
            kept += len(got) - len(read.get((base, part), ((), ()))[0])
            read[(base, part)] = (got, found)
    except TooLarge as e:
        size, allowed = (f"{n / (1 << 20):.0f} MB" for n in e.args)
        return _refused(name, f"的工作表解压后有 {size},超过 {limit} 行所需的 {allowed}")
    except TooManyRows as e:
        count, _ = e.args
        return _refused(name, f"有约 {count} 个数据行,超过一次导入的上限 {limit} 行")
    except RowTooFar as e:
        sheet, number = e.args
        where = sheets.part_name(*sheets.part_of(str(sheet).strip()))
        return _refused(name, f"「{where}」第{number}行超出一次导入的上限 {limit} 行")
    except RowBeyondLimit as e:
        where, number = e.args
        return _refused(name, f"「{where}」第{number}行超出一次导入的上限 {limit} 行")
    except OSError as e:
        why = {PermissionError: "没有读取权限", FileNotFoundError: "文件不存在"}.get(
            type(e), "无法打开")
        return Workbook({}, [Problem(None, None, None, f"无法读取文件「{name}」:{why}")])
    except Exception:  # any unreadable file (not a zip, not xlsx, damaged) is one problem
        return Workbook({}, [Problem(
            None, None, None,
            f"无法读取文件「{name}」:不是有效的 Excel 工作簿(.xlsx;旧版 .xls 请先另存为 .xlsx)",
        )])
    rows: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for s in sheets.DATA_SHEETS:
        part = 1
        while (s.name, part) in read:
            got, found = read[(s.name, part)]
            rows.setdefault(s.name, []).extend(got)
            problems += found
            part += 1
    if not rows:
        wanted = "、".join(s.name for s in sheets.DATA_SHEETS)
        return Workbook({}, [Problem(None, None, None,
                                     f"工作簿「{name}」中没有可导入的工作表(应有:{wanted})")])
    return Workbook(rows, problems)


def _refused(name: str, why: str) -> Workbook:
    """A workbook refused whole for its size, before anything else is checked."""
    return Workbook({}, [Problem(None, None, None, (
        f"工作簿「{name}」{why}(设置 FUNDTRACK_MAX_IMPORT_ROWS),未导入任何数据;"
        "请分成几个工作簿分批导入,或请管理员调高该设置"))])


_DATA = {s.name for s in sheets.DATA_SHEETS}
_BY_NAME = {s.name: s for s in sheets.DATA_SHEETS}


def _width(name: str, header: list) -> int:
    """The columns of a data sheet the import reads: up to its last known header (a cell
    further right belongs to no column of the ledger, however far right it is)."""
    sheet = _BY_NAME[sheets.part_of(str(name).strip())[0]]
    return max(_header_map(sheet, header).values(), default=-1) + 1


def _header_map(sheet: sheets.Sheet, header: list) -> dict[str, int]:
    """Column key → the column's position, for the sheet's columns that are present
    (the first of two columns with the same header)."""
    found: dict[str, int] = {}
    for i, label in enumerate(header):
        text = str(label).strip()
        for c in sheet.columns:
            if c.key not in found and (text == c.header or text.lower() == c.key):
                found[c.key] = i
    return found


def _read_sheet(sheet: sheets.Sheet, table: Sheet, problems: list[Problem],
                part: int, room: int) -> list[Row]:
    """The data rows of one worksheet (part ``part`` of ``sheet``); raises TooManyRows
    past ``room`` of them, or at a row numbered past the import's limit."""
    where = sheets.part_name(sheet.name, part)
    present = _header_map(sheet, table.header)
    complete = True
    for c in sheet.columns:
        if c.required and c.key not in present:
            problems.append(Problem(where, 1, c.header, f"缺少必填列「{c.header}」"))
            complete = False
    # per column: where its cell is (None: the column is missing), how it is read,
    # whether its text is cleaned as the services store it
    plan = [(c, c.key, present.get(c.key), reader(c), c.key in fields.FIELDS)
            for c in sheet.columns]
    out = []
    limit = max_import_rows()
    for number, cells in table.rows:
        if all(is_blank(v) for v in cells):
            continue
        if len(out) >= room or number > limit + 1:
            raise RowBeyondLimit(where, number)
        width = len(cells)
        values: dict = {}
        row = Row(sheet, number, values, ok=complete, part=part)
        for c, key, at, read, cleans in plan:
            if at is None:  # the column is missing: reported once, for the whole sheet
                values[key] = None
            else:
                values[key] = _read_cell(row, c, cells[at] if at < width else "", read,
                                         cleans, problems)
        out.append(row)
    return out


def _read_cell(row: Row, column: sheets.Column, value, read, cleans: bool, problems):
    """The value of one cell, or None (and a problem noted) when it cannot be read;
    ``cleans``: a text value is cleaned as the services store it (fields.FIELDS)."""
    result = None
    if not is_blank(value):
        try:
            result = read(value)
            if cleans and type(result) is str:
                result = fields.clean(column.key, result)  # as the services store it
        except CellError as e:
            row.ok = False
            problems.append(Problem(row.where, row.number, column.header, str(e)))
            return None
        except fields.FieldError as e:
            row.ok = False
            problems.append(Problem(row.where, row.number, column.header, e.reason))
            return None
    if result is None and column.required:
        row.ok = False
        problems.append(Problem(row.where, row.number, column.header, "必填,不能为空"))
    return result


def read_record(sheet: sheets.Sheet, raw: dict) -> tuple[dict, dict[str, str]]:
    """One record typed into a form or sent as JSON, read exactly as a row of ``sheet``:
    the same readers, length limits and messages as the importer. ``raw`` holds the
    values by English key (a key left out is an empty cell). Returns the values and the
    problems by key (empty when every value could be read)."""
    problems: list[Problem] = []
    row = Row(sheet, 0, {})
    for c in sheet.columns:
        row.values[c.key] = _read_cell(row, c, raw.get(c.key), reader(c),
                                       c.key in fields.FIELDS, problems)
    by_header = {c.header: c.key for c in sheet.columns}
    errors: dict[str, str] = {}
    for p in problems:
        errors.setdefault(by_header[p.column], p.message)
    return row.values, errors
