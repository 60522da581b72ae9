"""Reading an imported workbook: its data sheets, row by row, into checked Python values.

Only what a cell says is checked here (a date that is no date, three decimals, an unknown
节点, a missing value, text too long for its column). Every rule of the ledger is left to
the services, which the importer calls afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .. import sheets
from ..funds.models import Allocation, Disbursement, FundSource
from ..projects.models import Project, Unit
from .cells import CellError, is_blank, reader
from .report import Problem
from .xlsx import Sheet, read_sheets

#: The database column behind each text or code column, for its length limit.
_STORED_IN = {
    sheets.SOURCES.name: {
        "source_code": FundSource.code, "name": FundSource.name,
        "document_no": FundSource.document_no,
    },
    sheets.ARRIVALS.name: {"source_code": FundSource.code},
    sheets.PROJECTS.name: {
        "project_code": Project.code, "name": Project.name, "category": Project.category,
        "township": Project.township, "village": Project.village, "unit": Unit.name,
        "responsible_person": Project.responsible_person, "phone": Project.phone,
    },
    sheets.ALLOCATIONS.name: {
        "project_code": Project.code, "source_code": FundSource.code,
        "document_no": Allocation.document_no,
    },
    sheets.DISBURSEMENTS.name: {
        "voucher_no": Disbursement.voucher_no, "project_code": Project.code,
        "source_code": FundSource.code, "payee": Disbursement.payee,
        "reverses": Disbursement.voucher_no,
    },
    sheets.MILESTONES.name: {"project_code": Project.code},
}


#: Marks the cell of a column the sheet does not have.
_ABSENT = object()


@dataclass
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


@dataclass
class Workbook:
    #: Rows of the data sheets found, by sheet name, in sheet order.
    rows: dict[str, list[Row]]
    problems: list[Problem]


def read_workbook(path) -> Workbook:
    """The data sheets of the workbook at ``path`` (a file name or a binary file object);
    computed and unknown sheets are ignored."""
    if isinstance(path, str | os.PathLike):
        name = os.path.basename(os.fspath(path))
    else:  # an upload: werkzeug's FileStorage has .filename, a file has .name
        name = getattr(path, "filename", None) or getattr(path, "name", None) or "上传的文件"
    try:
        read = read_sheets(path, wanted=lambda label: sheets.part_of(label)[0] in _DATA)
    except OSError as e:
        why = {PermissionError: "没有读取权限", FileNotFoundError: "文件不存在"}.get(
            type(e), "无法打开")
        return Workbook({}, [Problem(None, None, None, f"无法读取文件「{name}」:{why}")])
    except Exception:  # any unreadable file (not a zip, not xlsx, damaged) is one problem
        return Workbook({}, [Problem(
            None, None, None,
            f"无法读取文件「{name}」:不是有效的 Excel 工作簿(.xlsx;旧版 .xls 请先另存为 .xlsx)",
        )])
    by_name = {str(sheet.name).strip(): sheet for sheet in read}
    found = [s for s in sheets.DATA_SHEETS if s.name in by_name]
    if not found:
        wanted = "、".join(s.name for s in sheets.DATA_SHEETS)
        return Workbook({}, [Problem(None, None, None,
                                     f"工作簿「{name}」中没有可导入的工作表(应有:{wanted})")])
    problems: list[Problem] = []
    rows = {}
    for s in found:
        rows[s.name] = []
        part = 1  # 支出明细, 支出明细(2), ...: one sheet written in parts, read as one
        while (label := sheets.part_name(s.name, part)) in by_name:
            rows[s.name] += _read_sheet(s, by_name[label], problems, part)
            part += 1
    return Workbook(rows, problems)


_DATA = {s.name for s in sheets.DATA_SHEETS}


def _header_map(sheet: sheets.Sheet, table: Sheet) -> dict[str, int]:
    """Column key → the column's position, for the sheet's columns that are present
    (the first of two columns with the same header)."""
    found: dict[str, int] = {}
    for i, label in enumerate(table.header):
        text = str(label).strip()
        for c in sheet.columns:
            if c.key not in found and (text == c.header or text.lower() == c.key):
                found[c.key] = i
    return found


def _read_sheet(sheet: sheets.Sheet, table: Sheet, problems: list[Problem],
                part: int = 1) -> list[Row]:
    present = _header_map(sheet, table)
    complete = True
    for c in sheet.columns:
        if c.required and c.key not in present:
            problems.append(Problem(sheets.part_name(sheet.name, part), 1, c.header,
                                    f"缺少必填列「{c.header}」"))
            complete = False
    readers = {c.key: reader(c) for c in sheet.columns}
    limits = {
        key: col.type.length for key, col in _STORED_IN.get(sheet.name, {}).items()
    }
    out = []
    positions = [present.get(c.key) for c in sheet.columns]
    for i, cells in enumerate(table.rows):
        if all(is_blank(v) for v in cells):
            continue
        raw = [cells[at] if at is not None else _ABSENT for at in positions]
        row = Row(sheet, i + 2, {}, ok=complete, part=part)
        for c, value in zip(sheet.columns, raw, strict=True):
            row.values[c.key] = _read_cell(row, c, value, readers[c.key], limits, problems)
        out.append(row)
    return out


def _read_cell(row: Row, column: sheets.Column, value, read, limits, problems):
    """The value of one cell, or None (and a problem noted) when it cannot be read."""
    sheet = row.where
    if value is _ABSENT:  # the column is missing: reported once, for the whole sheet
        return None
    if is_blank(value):
        if column.required:
            row.ok = False
            problems.append(Problem(sheet, row.number, column.header, "必填,不能为空"))
        return None
    try:
        result = read(value)
    except CellError as e:
        row.ok = False
        problems.append(Problem(sheet, row.number, column.header, str(e)))
        return None
    limit = limits.get(column.key)
    if limit and isinstance(result, str) and len(result) > limit:
        row.ok = False
        problems.append(Problem(
            sheet, row.number, column.header,
            f"长度为 {len(result)} 个字符,超过上限 {limit} 个字符",
        ))
    return result


def read_record(sheet: sheets.Sheet, raw: dict) -> tuple[dict, dict[str, str]]:
    """One record typed into a form or sent as JSON, read exactly as a row of ``sheet``:
    the same readers, length limits and messages as the importer. ``raw`` holds the
    values by English key (a key left out is an empty cell). Returns the values and the
    problems by key (empty when every value could be read)."""
    problems: list[Problem] = []
    limits = {key: col.type.length for key, col in _STORED_IN.get(sheet.name, {}).items()}
    row = Row(sheet, 0, {})
    for c in sheet.columns:
        row.values[c.key] = _read_cell(row, c, raw.get(c.key), reader(c), limits, problems)
    by_header = {c.header: c.key for c in sheet.columns}
    errors: dict[str, str] = {}
    for p in problems:
        errors.setdefault(by_header[p.column], p.message)
    return row.values, errors
