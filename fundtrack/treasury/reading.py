"""Reading a treasury payment export (预算管理一体化): its header row, mapped to our
columns, and each payment row into checked values.

The export is the first worksheet that has the header 支付凭证号 (under its own name or
the name the county's mapping gives it) in one of its first rows; the rows below it are
the payments. Each cell is read with the importer's readers (cells.py) and field rules
(fields.py), so a date, an amount or a voucher number means what it means on import.
Every problem names the sheet, the row as Excel shows it and the column; an export with
any problem is refused whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .. import fields
from ..sheets import Column
from ..workbook.cells import CellError, is_blank, reader
from ..workbook.reading import display_name, max_import_rows
from ..workbook.report import Problem
from ..workbook.xlsx import TooLarge, TooManyRows, read_sheets

#: The treasury export's columns (CONTRACT.md, `fundtrack reconcile`): the first four
#: must be there; the others are compared when present.
COLUMNS = (
    Column("voucher_no", "支付凭证号", "code", True),
    Column("paid_on", "支付日期", "date", True),
    Column("amount", "支付金额", "money", True),
    Column("payee", "收款人", "text", True),
    Column("payee_account", "收款账号", "code"),
    Column("budget_subject", "预算科目", "text"),
    Column("document_no", "指标文号", "text"),
)
BY_KEY = {c.key: c for c in COLUMNS}
#: Columns whose every row must hold a value (收款人's column is required, its value not).
REQUIRED_VALUES = ("voucher_no", "paid_on", "amount")
#: The rows searched for the header (a title line or two may stand above it).
HEADER_ROWS = 10
#: A row whose 支付凭证号 says this is the export's total line, not a payment.
TOTAL_LABELS = frozenset({"合计", "总计", "小计"})
#: Columns read to the right: an export wider than this has no column of ours beyond.
MAX_WIDTH = 200
#: fields.py rule applied to each text column (指标文号 is a 文号).
_FIELD = {"voucher_no": "voucher_no", "payee": "payee", "payee_account": "payee_account",
          "budget_subject": "budget_subject", "document_no": "document_no"}


@dataclass(frozen=True, slots=True)
class TreasuryRow:
    #: The row number as Excel shows it.
    row: int
    voucher_no: str
    paid_on: dt.date
    amount: Decimal
    payee: str | None = None
    payee_account: str | None = None
    budget_subject: str | None = None
    document_no: str | None = None


@dataclass
class Export:
    rows: list[TreasuryRow]
    problems: list[Problem]
    #: The worksheet read, and its header cells as written (for the mapping form).
    sheet: str | None = None
    headers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def header_key(text: str, aliases: dict[str, str]) -> str | None:
    """Our column key for a header cell: our Chinese header, the English key, or the
    county's own name for it (``aliases``: their header → our key)."""
    text = fields.normalize(str(text))
    for c in COLUMNS:
        if text == c.header or text.lower() == c.key:
            return c.key
    key = aliases.get(text)
    return key if key in BY_KEY else None


def _positions(cells: list, aliases: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if is_blank(cell):
            continue
        key = header_key(cell, aliases)
        if key is not None and key not in found:
            found[key] = i
    return found


def read_export(path, *, aliases: dict[str, str] | None = None,
                name: str | None = None) -> Export:
    """The payments of the treasury export at ``path`` (a file name or binary file),
    or every problem found, each naming row and column."""
    aliases = aliases or {}
    name = display_name(path, name)
    limit = max_import_rows()
    try:
        first: tuple | None = None
        for table in read_sheets(path, wanted=lambda _: True, beyond_header=True,
                                 max_rows=limit):
            found = _read_table(table, aliases, limit)
            if found is not None:
                return found
            if first is None:
                first = (table.name, tuple(str(h) for h in table.header if not is_blank(h)))
    except TooLarge:
        return _whole(f"文件「{name}」过大,超过一次对账的上限 {limit} 行")
    except TooManyRows as e:
        return _whole(f"文件「{name}」有约 {e.args[0]} 行,超过一次对账的上限 {limit} 行")
    except OSError as e:
        why = {PermissionError: "没有读取权限", FileNotFoundError: "文件不存在"}.get(
            type(e), "无法打开")
        return _whole(f"无法读取文件「{name}」:{why}")
    except Exception:  # not a zip, not xlsx, damaged: one problem
        return _whole(f"无法读取文件「{name}」:不是有效的 Excel 工作簿(.xlsx;"
                      "旧版 .xls 请先另存为 .xlsx)")
    if first is None:
        return _whole(f"文件「{name}」中没有工作表")
    sheet, headers = first
    missing = [c for c in COLUMNS if c.required
               and c.key not in _positions(list(headers), aliases)]
    return Export([], [Problem(sheet, 1, c.header, f"缺少必填列「{c.header}」")
                       for c in missing], sheet, headers)


def _whole(message: str) -> Export:
    return Export([], [Problem(None, None, None, message)])


def _read_table(table, aliases: dict[str, str], limit: int) -> Export | None:
    """The export on this worksheet, or None when none of its first rows is a header
    holding 支付凭证号."""
    rows = iter(table.rows)
    candidates = [(1, table.header)]
    header_at, positions, header = None, {}, []
    while True:
        number, cells = candidates.pop(0) if candidates else next(rows, (None, None))
        if number is None or number > HEADER_ROWS:
            return None
        found = _positions(cells, aliases)
        if "voucher_no" in found:
            header_at, positions, header = number, found, cells
            break
    sheet = str(table.name).strip()
    headers = tuple(str(h).strip() for h in header if not is_blank(h))
    problems = [Problem(sheet, header_at, c.header, f"缺少必填列「{c.header}」")
                for c in COLUMNS if c.required and c.key not in positions]
    if problems:
        return Export([], problems, sheet, headers)
    readers = {c.key: reader(c) for c in COLUMNS}
    out: list[TreasuryRow] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if number > limit + header_at:
            return Export([], [Problem(sheet, number, None,
                                       f"超出一次对账的上限 {limit} 行")], sheet, headers)
        cells = cells[:MAX_WIDTH]
        values = {}
        ok = True
        present = False
        for key, at in positions.items():
            raw = cells[at] if at < len(cells) else ""
            if is_blank(raw):
                values[key] = None
                continue
            present = True
            try:
                value = readers[key](raw)
                if key in _FIELD and isinstance(value, str):
                    value = fields.clean(_FIELD[key], value)
            except CellError as e:
                problems.append(Problem(sheet, number, BY_KEY[key].header, str(e)))
                ok = False
                continue
            except fields.FieldError as e:
                problems.append(Problem(sheet, number, BY_KEY[key].header, e.reason))
                ok = False
                continue
            values[key] = value
        if not present or values.get("voucher_no") in TOTAL_LABELS:
            continue  # a blank row, cells in no column of ours, or the export's total line
        for key in REQUIRED_VALUES:
            if key in values and values[key] is None:
                problems.append(Problem(sheet, number, BY_KEY[key].header, "必填,不能为空"))
                ok = False
        if not ok:
            continue
        voucher = values["voucher_no"]
        if voucher in seen:
            problems.append(Problem(sheet, number, BY_KEY["voucher_no"].header,
                                    f"支付凭证号「{voucher}」与第{seen[voucher]}行重复"))
            continue
        seen[voucher] = number
        out.append(TreasuryRow(number, **values))
    return Export(out if not problems else [], problems, sheet, headers)

