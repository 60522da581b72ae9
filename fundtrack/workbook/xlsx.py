"""The cell values of a workbook's worksheets, as ``pandas.read_excel`` gives them, faster
and in memory proportional to the cells that exist.

``pandas.read_excel(..., dtype=object)`` with openpyxl builds an object per cell and per
XML element; for a county's ledger that is most of an import's time. Here openpyxl still
opens the workbook (its parts, shared strings, styles and which styles are dates, exactly
as pandas has it do), and only the rows of a worksheet are read with expat, each cell
decided by openpyxl's own rules (``WorkSheetParser.parse_cell`` with ``data_only``) and
then converted as pandas converts it (``OpenpyxlReader._convert_cell``): an empty cell is
"", an error NaN, a whole number an int.

Rows are streamed, not padded: a sheet gives its header (row 1) and then, as the XML is
read, each later row that holds a cell, with its Excel row number. A missing row costs
nothing, and a cell to the right of the header's last cell is not kept (no column can
name it), so a few kilobytes with one cell at ZZZ20000 or a row numbered 5,000,000 cost
what their cells cost (issue 14). As in openpyxl, a row numbered before the ones already
read is dropped.

Two differences from pandas, both more lenient: only the sheets asked for are read (a
damaged computed sheet no longer spoils the data sheets), and an inline string is its
text even when its formatting runs break the schema that openpyxl checks.
(tests/workbook/test_xlsx.py compares both readers.)
"""

from __future__ import annotations

import math
import re
import xml.parsers.expat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

_ROW, _CELL, _VALUE = f"{SHEET_MAIN_NS} row", f"{SHEET_MAIN_NS} c", f"{SHEET_MAIN_NS} v"
_INLINE, _TEXT, _RUN = f"{SHEET_MAIN_NS} is", f"{SHEET_MAIN_NS} t", f"{SHEET_MAIN_NS} r"
#: openpyxl's cell reference (utils.cell.COORD_RE), letters and digits.
_COORD = re.compile(r"^[$]?([A-Za-z]{1,3})[$]?(\d+)$")
#: The widest row openpyxl reads (column ZZZ); a header wider than this is cut.
MAX_COLUMNS = 18_278
#: Bytes of sheet XML parsed at a time.
_CHUNK = 1 << 16


@dataclass
class Sheet:
    name: str
    #: Row 1's values (pandas' column labels, before it names the empty ones), without
    #: its trailing empty cells; [] when the sheet has no row 1.
    header: list
    #: The later rows that hold a cell, as (Excel row number, values), in order, read
    #: from the file as they are iterated (once, before the next sheet). A row's values
    #: stop at its last cell, and at the header's last column unless ``beyond_header``.
    rows: Iterator[tuple[int, list]]


class TooLarge(Exception):
    """The parts to read unzip to more bytes than ``max_rows`` rows could need: (their
    bytes, the bytes allowed)."""


class TooManyRows(Exception):
    """The sheets asked for hold more rows with a value than ``max_rows``: (their
    number, the name of the sheet where the count passed the limit)."""


def read_sheets(source, wanted: Callable[[str], bool], *, beyond_header: bool = False,
                max_rows: int | None = None,
                width: Callable[[str, list], int] | None = None) -> Iterator[Sheet]:
    """The worksheets of the workbook ``source`` (a path or a binary file) whose name,
    stripped, ``wanted`` accepts, in the workbook's order, one at a time: iterate a
    sheet's rows before asking for the next sheet. ``width(name, header)``: how many
    columns of a sheet's data rows to keep (default: as many as its header has). Raises
    what openpyxl (or expat)
    raises for a file that is no workbook, and TooManyRows, before any row is read, when
    the rows below the headers that hold a value are more than ``max_rows``.

    openpyxl opens the package (its parts, shared strings, styles, the 1904 epoch) as
    ``load_workbook(read_only=True)`` does, but without making a worksheet object of
    each sheet: that parses every sheet without a ``<dimension>`` once more, unasked.
    """
    reader = ExcelReader(source, read_only=True, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_workbook()
        found = [(name, target) for name, target in _worksheets(reader)
                 if wanted(str(name).strip())]
        if max_rows is not None:
            _check_size(reader, found, max_rows)
            _check_rows(reader.archive, found, max_rows)
        reader.read_strings()
        apply_stylesheet(reader.archive, reader.wb)
        for name, target in found:
            keep = None
            if not beyond_header:
                keep = partial(width, name) if width is not None else len
            sheet = _SheetReader(reader.wb, reader.shared_strings, keep)
            rows = sheet.rows(reader.archive.open(target))
            first = next(rows, None)
            header: list = []
            if first is not None and first[0] == 1:
                header, first = first[1], None
            yield Sheet(name, header, _data_rows(first, rows, sheet.width if keep else None))
    finally:
        reader.archive.close()


def _worksheets(reader) -> list[tuple[str, str]]:
    """(name, part) of each worksheet, in the workbook's order (chart sheets left out)."""
    return [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type]


#: Unzipped bytes of sheet XML (and shared strings) allowed per row an import may hold:
#: a row of a county's ledger is a few hundred.
BYTES_PER_ROW = 4096
#: Excel holds at most this many characters in a cell; a longer text is kept to one
#: character more (and then refused for its length), not read whole into memory.
CELL_MAX_CHARS = 32_767


def _check_size(reader, found: list[tuple[str, str]], max_rows: int) -> None:
    """Raise TooLarge when the sheets ``found`` and the shared strings unzip (as the zip
    declares them; zipfile reads no more) to more than ``max_rows`` rows could need: a
    zip bomb is refused before it is unzipped."""
    parts = [target for _, target in found]
    strings = reader.package.find(SHARED_STRINGS)
    if strings is not None:
        parts.append(strings.PartName[1:])
    size = sum(reader.archive.getinfo(p).file_size for p in parts
               if p in reader.valid_files)
    allowed = max(max_rows * BYTES_PER_ROW, 64 << 20)
    if size > allowed:
        raise TooLarge(size, allowed)


#: The start of a row element, and of a cell's value (<v>, or <is> for inline text), with
#: or without a namespace prefix: what ``_check_rows`` counts.
_MARKS = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(row|v|is)[\s>]")
#: No mark is longer: bytes after a chunk's last "<" that are kept for the next chunk.
_MARK_MAX = 32


def _check_rows(archive, found: list[tuple[str, str]], max_rows: int) -> None:
    """Raise TooManyRows when the sheets ``found`` hold more than ``max_rows`` rows with a
    value below their first: counted on the bytes as they are unzipped, without parsing
    and in constant memory, so that a workbook too big is refused in the time it takes
    to unzip it, not to read it.

    The marks of rows and values are read in order; a row holds a value when the mark
    after its own is a value's (else it is another row's, or the end)."""
    total = 0
    for name, target in found:
        rows, last = 0, b""
        with archive.open(target) as stream:
            carry = b""
            while chunk := stream.read(_CHUNK * 16):
                data = carry + chunk
                cut = data.rfind(b"<")  # a mark starting there may end in the next chunk
                if cut == -1 or len(data) - cut > _MARK_MAX:
                    cut = len(data)
                data, carry = data[:cut], data[cut:]
                marks = _MARKS.findall(data)
                if marks:
                    line = b" ".join([last, *marks])
                    rows += line.count(b"row v") + line.count(b"row is")
                    last = marks[-1]
            if carry:
                marks = _MARKS.findall(carry)
                line = b" ".join([last, *marks])
                rows += line.count(b"row v") + line.count(b"row is")
        total += max(rows - 1, 0)  # less the header
        if total > max_rows:
            raise TooManyRows(total, name)


def _data_rows(first, rows, width: int | None) -> Iterator[tuple[int, list]]:
    """The rows after the header, each cut at ``width`` columns (None: not cut)."""
    if first is not None:
        rows = _chain(first, rows)
    for number, values in rows:
        values = _trimmed(values[:width] if width is not None else values)
        if values:
            yield number, values


def _chain(first, rows):
    yield first
    yield from rows


def _trimmed(values: list) -> list:
    while values and values[-1] == "":
        values.pop()
    return values


class _SheetReader:
    """One worksheet's XML → its rows, streamed (see the module's docstring)."""

    def __init__(self, book, shared_strings, keep: Callable[[list], int] | None = None):
        """``keep(header)``: how many columns to keep below the header (row 1), decided
        as soon as the header is read; None: all."""
        self.keep = keep
        self.shared_strings = shared_strings
        self.epoch = book.epoch
        self.date_formats = book._date_formats
        self.timedelta_formats = book._timedelta_formats
        self.columns: dict[str, int] = {}  # column letters → number, as met
        #: Cells to the right of this column are skipped, unread.
        self.width = MAX_COLUMNS
        self.done: list[tuple[int, list]] = []  # rows read and not yet handed out
        self.last = 0  # the number of the last row kept
        self.row_counter = 0
        self.stack: list[str] = []
        self.text: list[str] | None = None  # the text being collected, if any

    def rows(self, stream) -> Iterator[tuple[int, list]]:
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        with stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                if self.done:
                    done, self.done = self.done, []
                    yield from done
            parser.Parse(b"", True)
        yield from self.done

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
            self.text, self.length = [], 0
        elif tag == _INLINE and parent == _CELL:
            self.inline = [None, []]
        elif tag == _TEXT and parent in (_INLINE, _RUN):
            self.text, self.length = [], 0

    def characters(self, data):
        if self.text is not None and self.length <= CELL_MAX_CHARS:
            self.text.append(data)
            self.length += len(data)

    def end(self, tag):
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if tag == _CELL and parent == _ROW:
            cell = self.end_cell()
            if cell is not None:
                self.cells.append(cell)
        elif tag == _ROW:
            self.end_row()
        elif tag == _VALUE and parent == _CELL:
            self.value = "".join(self.text)[:CELL_MAX_CHARS + 1]
            self.text = None
        elif tag == _TEXT and self.inline is not None and parent in (_INLINE, _RUN):
            text = "".join(self.text)[:CELL_MAX_CHARS + 1]
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
        """openpyxl's ReadOnlyWorksheet: a row numbered before (or as) one already read is
        dropped, a row is as wide as its last cell's column. A row without a cell is not
        handed out."""
        number = self.row_counter
        if number <= self.last:
            return
        first, self.last = self.last == 0, number
        row: list = []
        if self.cells:
            width = self.cells[-1][0]
            row = [""] * width
            for column, value in self.cells:
                if 1 <= column <= width:
                    row[column - 1] = value
            row = _trimmed(row)
        if first and self.keep is not None:  # the rows below keep this many columns
            self.width = self.keep(row if number == 1 else [])
        if row:
            self.done.append((number, row))

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

    def end_cell(self) -> tuple[int, object] | None:
        """(column, value) of the cell just read; None when it lies beyond ``width``."""
        attrs = self.cell
        column = self.column(attrs.get("r"))
        if column > self.width:
            return None
        data_type = attrs.get("t", "n")
        style_id = attrs.get("s", 0)
        if style_id:
            style_id = int(style_id)
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
