"""The cell values of a workbook's worksheets, as ``pandas.read_excel`` gives them, faster.

``pandas.read_excel(..., dtype=object)`` with openpyxl builds an object per cell and per
XML element; for a county's ledger that is most of an import's time. Here openpyxl still
opens the workbook (its parts, shared strings, styles and which styles are dates, exactly
as pandas has it do), and only the rows of a worksheet are read with expat, each cell
decided by openpyxl's own rules (``WorkSheetParser.parse_cell`` with ``data_only``) and
then converted as pandas converts it (``OpenpyxlReader._convert_cell``): an empty cell is
"", an error NaN, a whole number an int. Rows are numbered as in pandas: the first row is
the header, a missing row is an empty one, trailing empty rows are dropped.

Two differences, both more lenient: only the sheets asked for are read (a damaged
computed sheet no longer spoils the data sheets), and an inline string is its text even
when its formatting runs break the schema that openpyxl checks.
(tests/workbook/test_xlsx.py compares both readers.)
"""

from __future__ import annotations

import math
import re
import xml.parsers.expat
from dataclasses import dataclass

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

_ROW, _CELL, _VALUE = f"{SHEET_MAIN_NS} row", f"{SHEET_MAIN_NS} c", f"{SHEET_MAIN_NS} v"
_INLINE, _TEXT, _RUN = f"{SHEET_MAIN_NS} is", f"{SHEET_MAIN_NS} t", f"{SHEET_MAIN_NS} r"
#: openpyxl's cell reference (utils.cell.COORD_RE), letters and digits.
_COORD = re.compile(r"^[$]?([A-Za-z]{1,3})[$]?(\d+)$")


@dataclass
class Sheet:
    name: str
    #: The first row's values (pandas' column labels, before it names the empty ones).
    header: list
    #: The other rows, each as wide as the widest row; rows[i] is Excel's row i + 2.
    rows: list[list]


def read_sheets(source, wanted) -> list[Sheet]:
    """The worksheets of the workbook ``source`` (a path or a binary file) whose name,
    stripped, ``wanted`` accepts, in the workbook's order. Raises what openpyxl raises
    for a file that is no workbook."""
    book = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    try:
        out = []
        for name in book.sheetnames:
            if wanted(str(name).strip()):
                sheet = book[name]
                data = _SheetReader(book, sheet).read(sheet._get_source())
                out.append(Sheet(name, data[0] if data else [], data[1:]))
        return out
    finally:
        book.close()


class _SheetReader:
    """One worksheet's XML → rows of values (see the module's docstring)."""

    def __init__(self, book, sheet):
        self.shared_strings = sheet._shared_strings
        self.epoch = book.epoch
        self.date_formats = book._date_formats
        self.timedelta_formats = book._timedelta_formats
        self.columns: dict[str, int] = {}  # column letters → number, as met
        self.rows: list[list] = []
        self.row_counter = 0
        self.stack: list[str] = []
        self.text: list[str] | None = None  # the text being collected, if any

    def read(self, stream) -> list[list]:
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        with stream:
            parser.ParseFile(stream)
        return _as_pandas(self.rows)

    # --- expat's callbacks -------------------------------------------------------------

    def start(self, tag, attrs):
        parent = self.stack[-1] if self.stack else None
        self.stack.append(tag)
        if tag == _CELL and parent == _ROW:
            self.cell = attrs
            self.value = None  # the text of <v>, None without one
            self.inline = None  # <is>: [its own <t>, the <t> of its runs]
        elif tag == _ROW:
            self.start_row(attrs)
        elif tag == _VALUE and parent == _CELL:
            self.text = []
        elif tag == _INLINE and parent == _CELL:
            self.inline = [None, []]
        elif tag == _TEXT and parent in (_INLINE, _RUN):
            self.text = []

    def characters(self, data):
        if self.text is not None:
            self.text.append(data)

    def end(self, tag):
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if tag == _CELL and parent == _ROW:
            self.cells.append(self.end_cell())
        elif tag == _ROW:
            self.end_row()
        elif tag == _VALUE and parent == _CELL:
            self.value = "".join(self.text)
            self.text = None
        elif tag == _TEXT and self.inline is not None and parent in (_INLINE, _RUN):
            text = "".join(self.text)
            self.text = None
            if parent == _INLINE:
                self.inline[0] = text
            elif len(self.stack) >= 2 and self.stack[-2] == _INLINE:
                self.inline[1].append(text)

    # --- rows and cells, as openpyxl and pandas read them --------------------------------

    def start_row(self, attrs):
        number = attrs.get("r")
        if number is None:
            self.row_counter += 1
        else:
            try:
                self.row_counter = int(number)
            except ValueError:
                value = float(number)
                if not value.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row_counter = int(value)
        self.col_counter = 0
        self.cells: list[tuple[int, object]] = []

    def end_row(self):
        """openpyxl's ReadOnlyWorksheet: a missing row is empty, a row numbered before
        the ones already read is dropped, a row is as wide as its last cell's column."""
        number = self.row_counter
        while len(self.rows) + 1 < number:
            self.rows.append([])
        if len(self.rows) + 1 > number:
            return
        width = self.cells[-1][0] if self.cells else 0
        row = [""] * width
        for column, value in self.cells:
            if 1 <= column <= width:
                row[column - 1] = value
        self.rows.append(row)

    def column(self, reference: str | None) -> int:
        if not reference:
            self.col_counter += 1
            return self.col_counter
        m = _COORD.match(reference)
        if m is None:
            coordinate_to_tuple(reference)  # raises as openpyxl does
        letters = m.group(1)
        number = self.columns.get(letters)
        if number is None:
            number = self.columns[letters] = column_index_from_string(letters.upper())
        self.col_counter = number
        return number

    def end_cell(self) -> tuple[int, object]:
        attrs = self.cell
        data_type = attrs.get("t", "n")
        style_id = attrs.get("s", 0)
        if style_id:
            style_id = int(style_id)
        column = self.column(attrs.get("r"))
        value = None if data_type == "inlineStr" else (self.value or None)
        if value is not None:
            if data_type == "n":
                value = _cast_number(value)
                if style_id in self.date_formats:
                    data_type = "d"
                    try:
                        value = from_excel(value, self.epoch,
                                           timedelta=style_id in self.timedelta_formats)
                    except (OverflowError, ValueError):
                        data_type, value = "e", "#VALUE!"
            elif data_type == "s":
                value = self.shared_strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "d":
                value = from_ISO8601(value)
        elif data_type == "inlineStr" and self.inline is not None:
            data_type = "s"
            plain, runs = self.inline
            value = "".join(([plain] if plain is not None else []) + runs)
        return column, _convert(value, data_type)


def _cast_number(value: str):
    """openpyxl's: a number with a point or an exponent is a float, else an int."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def _convert(value, data_type):
    """pandas' OpenpyxlReader._convert_cell."""
    if value is None:
        return ""
    if data_type == "e":
        return math.nan
    if data_type == "n":
        whole = int(value)
        return whole if whole == value else float(value)
    return value


def _as_pandas(rows: list[list]) -> list[list]:
    """pandas' get_sheet_data: trailing empty cells and rows dropped, rows padded."""
    last = -1
    for i, row in enumerate(rows):
        while row and row[-1] == "":
            row.pop()
        if row:
            last = i
    rows = rows[:last + 1]
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return rows
