"""The cell values of a workbook's worksheets, read with python-calamine (the Rust reader
pandas uses as ``engine="calamine"``), with the values ``pandas.read_excel(...,
dtype=object)`` gives with openpyxl: an empty cell is "", an error NaN, a whole number an
int, a date a datetime.

calamine builds each sheet as a dense rectangle from its first to its last cell, and reads
a text whole: a few kilobytes with one cell at ZZZ20000 would cost it 11 GB. So before
calamine opens a sheet, its unzipped XML is scanned once, in constant memory, with regular
expressions over the bytes (``_scan``): the rows that hold a value are counted (a workbook
with more than ``max_rows`` is refused before any row is read), and the sheet is checked
to be one calamine reads as openpyxl does: rows and cells numbered in order, no error cell,
no text longer than Excel allows, a rectangle of at most ``DENSE_CELLS`` cells. Every sheet
that spreadsheet programs write passes, and calamine reads it from the file as it is.

A sheet that does not pass (hostile, or written by hand) is cropped first (``_Crop``): its
XML is streamed through expat and written again holding only what openpyxl would have
read -- rows in order, each cell at most once, the cells right of the last known header
left out, texts cut to 32,768 characters, a row numbered beyond ``max_rows`` refused --
and calamine reads the cropped copy. Memory then follows the cells kept, not the
coordinates (issue 14).

Rows are handed out with their Excel row number: a sheet gives its header (row 1) and then
each later row that holds a value. (tests/workbook/test_xlsx.py compares the values with
pandas' openpyxl reader.)
"""

from __future__ import annotations

import datetime as dt
import io
import math
import operator
import posixpath
import re
import xml.parsers.expat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from python_calamine import CalamineWorkbook

#: The widest row Excel holds (column XFD) is narrower than this; openpyxl reads to ZZZ.
MAX_COLUMNS = 18_278
#: Bytes of sheet XML scanned at a time.
_CHUNK = 1 << 20
#: The most cells (empty ones included) of the rectangle calamine may build for a sheet
#: read as it is (32 bytes each in calamine): beyond it the sheet is cropped first.
DENSE_CELLS = 4_000_000

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Sheet:
    name: str
    #: Row 1's values (pandas' column labels, before it names the empty ones), without
    #: its trailing empty cells; [] when the sheet has no row 1.
    header: list
    #: The later rows that hold a value, as (Excel row number, values), in order. A row's
    #: values stop at its last non-empty cell, and at the header's last column unless
    #: ``beyond_header``.
    rows: Iterator[tuple[int, list]]


class TooLarge(Exception):
    """The parts to read unzip to more bytes than ``max_rows`` rows could need: (their
    bytes, the bytes allowed)."""


class TooManyRows(Exception):
    """The sheets asked for hold more rows with a value than ``max_rows``: (their
    number, the name of the sheet where the count passed the limit)."""


class RowTooFar(Exception):
    """A row holding a cell is numbered beyond ``max_rows`` + 1: (the sheet's name, the
    row's number)."""


def read_sheets(source, wanted: Callable[[str], bool], *, beyond_header: bool = False,
                max_rows: int | None = None,
                width: Callable[[str, list], int] | None = None) -> Iterator[Sheet]:
    """The worksheets of the workbook ``source`` (a path or a binary file) whose name,
    stripped, ``wanted`` accepts, in the workbook's order, one at a time. ``width(name,
    header)``: how many columns of a sheet's data rows to keep (default: as many as its
    header has). Raises for a file that is no workbook (zipfile's, ElementTree's or
    calamine's errors), TooLarge, TooManyRows (before any row is read, when the rows
    below the headers that hold a value are more than ``max_rows``) and RowTooFar."""
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        if hasattr(source, "seek"):
            source.seek(0)
        source = io.BytesIO(source.read())
    with zipfile.ZipFile(source) as archive:
        found, strings = _worksheets(archive)
        found = [(name, part) for name, part in found if wanted(str(name).strip())]
        if max_rows is not None:
            _check_size(archive, found, strings, max_rows)
        scans = [_scan(archive, part) for _, part in found]
        if max_rows is not None:
            total = 0
            for (name, _), scan in zip(found, scans, strict=True):
                total += max(scan.rows - 1, 0)  # less the header
                if total > max_rows:
                    raise TooManyRows(total, name)
        if hasattr(source, "seek"):
            source.seek(0)
        book = CalamineWorkbook.from_object(source)
        try:
            for (name, part), scan in zip(found, scans, strict=True):
                keep = None
                if not beyond_header:
                    keep = (lambda h, name=name: width(name, h)) if width is not None else len
                if scan.plain:
                    yield _read_plain(book, name, keep)
                else:
                    yield _read_cropped(archive, part, name, keep, max_rows)
        finally:
            book.close()


def _worksheets(archive) -> tuple[list[tuple[str, str]], str | None]:
    """(name, part) of each worksheet in the workbook's order (chart sheets left out), and
    the shared strings' part (None without one)."""
    rels_part, book_part = _office_document(archive)
    rels = ElementTree.fromstring(archive.read(rels_part))
    base = posixpath.dirname(book_part)
    targets, strings = {}, None
    for rel in rels.iter(f"{{{_PKG_RELS}}}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(base, target))
        kind = rel.get("Type", "")
        if kind.endswith("/worksheet"):
            targets[rel.get("Id")] = part
        elif kind.endswith("/sharedStrings"):
            strings = part
    book = ElementTree.fromstring(archive.read(book_part))
    names = set(archive.namelist())
    found = []
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        part = targets.get(sheet.get(f"{{{_RELS}}}id"))
        if part in names:
            found.append((sheet.get("name"), part))
    return found, strings


def _office_document(archive) -> tuple[str, str]:
    """(the workbook's relationships part, the workbook part), from the package's rels."""
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    for rel in rels.iter(f"{{{_PKG_RELS}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            part = rel.get("Target", "").lstrip("/")
            folder, file = posixpath.split(part)
            return posixpath.join(folder, "_rels", file + ".rels"), part
    raise ValueError("no workbook in the package")


#: Unzipped bytes of sheet XML (and shared strings) allowed per row an import may hold:
#: a row of a county's ledger is a few hundred.
BYTES_PER_ROW = 4096
#: Excel holds at most this many characters in a cell; a longer text is kept to one
#: character more (and then refused for its length), not read whole into memory.
CELL_MAX_CHARS = 32_767


def _check_size(archive, found: list[tuple[str, str]], strings: str | None,
                max_rows: int) -> None:
    """Raise TooLarge when the sheets ``found`` and the shared strings unzip (as the zip
    declares them; zipfile reads no more) to more than ``max_rows`` rows could need: a
    zip bomb is refused before it is unzipped."""
    parts = [part for _, part in found] + ([strings] if strings else [])
    names = set(archive.namelist())
    size = sum(archive.getinfo(p).file_size for p in parts if p in names)
    allowed = max(max_rows * BYTES_PER_ROW, 64 << 20)
    if size > allowed:
        raise TooLarge(size, allowed)


# --- the scan ------------------------------------------------------------------------------
#
# Plain bytes operations only (find, count, split and two regular expressions with a
# literal start), all in C: the scan costs a small part of what calamine's reading costs.
# Spreadsheet programs (Excel, WPS, LibreOffice, openpyxl, xlsxwriter) write every row as
# <row r="N" ...> and every cell as <c r="B7" ...>, in order; anything else -- a tag with a
# namespace prefix, a cell without its reference -- makes the sheet one to crop.

#: A row's number; a cell's column letters.
_ROW_REF = re.compile(rb'<row r="(\d{1,9})"')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})\d')
#: Bytes of a block that holds no "<": a text that long may be longer than a cell holds
#: (a text of more than CELL_MAX_CHARS characters has a block this long with no tag).
_BLOCK = 8192


@dataclass
class _Scan:
    #: Rows that hold a value (a <v> or <is>), the header among them.
    rows: int = 0
    #: True when calamine reads the sheet as it is (see the module's docstring).
    plain: bool = True


def _has_value(piece: bytes) -> bool:
    return b"<v>" in piece or b"<is>" in piece


def _scan(archive, part: str) -> _Scan:
    """Count a sheet's rows with a value and decide whether calamine may read it as it
    is, reading its XML once, in chunks cut where a row starts, without parsing it."""
    scan = _Scan()
    open_row = False  # the row the last chunk ended in holds a value
    last_row, widest = 0, 0
    with archive.open(part) as stream:
        carry = b""
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            if not data:
                break
            carry = b""
            if chunk:
                cut = data.rfind(b"<row")
                if cut <= 0:  # a row longer than a chunk: keep a tag's worth for the next
                    cut = max(len(data) - 16, 0)
                data, carry = data[:cut], data[cut:]
            pieces = data.split(b"<row")
            if _has_value(pieces[0]):
                open_row = True
            for piece in pieces[1:]:
                scan.rows += open_row
                open_row = _has_value(piece)
            if not scan.plain:
                continue
            if (b't="e"' in data or b"t='e'" in data or b":sheetData" in data
                    or any(data.find(b"<", i, i + _BLOCK) == -1
                           for i in range(0, len(data) - _BLOCK + 1, _BLOCK))):
                scan.plain = False
                continue
            rows = _ROW_REF.findall(data)
            if len(rows) != data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>"):
                scan.plain = False
                continue
            if rows:
                numbers = list(map(int, rows))
                if numbers[0] <= last_row or not all(map(operator.lt, numbers, numbers[1:])):
                    scan.plain = False
                    continue
                last_row = numbers[-1]
            cells = _CELL_REF.findall(data)
            if len(cells) != data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>"):
                scan.plain = False
                continue
            if cells and not _in_order(data, cells):
                scan.plain = False
                continue
            if cells:
                longest = max(map(len, cells))
                top = max(cells) if longest == 1 else max(c for c in cells if len(c) == longest)
                widest = max(widest, _column_number(top))
    scan.rows += open_row
    if scan.plain and last_row * widest > DENSE_CELLS:
        scan.plain = False
    return scan


def _in_order(data: bytes, cells: list[bytes]) -> bool:
    """Whether the cells of each row of ``data`` come in the order of their columns: in
    the sequence of column letters with a row's start as b"", every step down is onto a
    row's start (letters of one length compare as columns; a sheet wider than Z is
    checked row by row)."""
    if max(map(len, cells)) > 1:
        return all(_row_in_order(_CELL_REF.findall(piece)) for piece in data.split(b"<row"))
    keys = _CELL_OR_ROW.findall(data)
    starts = keys.count(b"")
    down = sum(map(operator.ge, keys[:-1], keys[1:])) + (keys[0] == b"" if keys else 0)
    return down == starts


def _row_in_order(cells: list[bytes]) -> bool:
    keys = [c.rjust(3) for c in cells]
    return all(map(operator.lt, keys, keys[1:]))


#: Column letters of a cell, or b"" where a row starts.
_CELL_OR_ROW = re.compile(rb'<row[ >/]|<c r="([A-Z]{1,3})\d')


def _column_number(key: bytes) -> int:
    number = 0
    for letter in key.strip():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading with calamine --------------------------------------------------------------


def _read_plain(book, name: str, keep: Callable[[list], int] | None) -> Sheet:
    """A sheet calamine reads as it is."""
    sheet = book.get_sheet_by_name(name)
    return _sheet(name, sheet, keep)


def _sheet(name: str, sheet, keep, errors: frozenset = frozenset()) -> Sheet:
    """The Sheet of calamine's ``sheet``: row 1 is the header, the columns of the rows
    below are cut at ``keep(header)``; ``errors``: (row, column) of error cells, NaN."""
    rows = iter(_grid(sheet))
    header = []
    first = next(rows, None)
    if first is not None:
        header = _values(first, None, errors, 1)
    cut = keep(header) if keep is not None else None
    return Sheet(name, header, _rows(rows, 1, cut, errors))


def _grid(sheet) -> list[list]:
    """calamine's cells of ``sheet`` from A1 on (its row 0 is row 1)."""
    return sheet.to_python(skip_empty_area=False) if sheet.start is not None else []


def _rows(rows, top: int, cut: int | None, errors) -> Iterator[tuple[int, list]]:
    """The rows after the first ``top`` rows, by Excel row number, those with a value."""
    for number, values in enumerate(rows, start=top + 1):
        values = _values(values, cut, errors, number)
        if values:
            yield number, values


_FLOAT, _DATE, _DATETIME = float, dt.date, dt.datetime


def _values(values: list, cut: int | None, errors, number: int) -> list:
    """calamine's values as pandas' openpyxl reader gives them, up to ``cut`` columns,
    without trailing empty cells."""
    if cut is not None:
        values = values[:cut]
    for i, value in enumerate(values):
        kind = type(value)
        if kind is _FLOAT:
            if value.is_integer():
                values[i] = int(value)
        elif kind is _DATE:
            values[i] = _DATETIME(value.year, value.month, value.day)
    if errors:
        for i in range(len(values)):
            if (number, i + 1) in errors:
                values[i] = math.nan
    while values and values[-1] == "":
        values.pop()
    return values


def _read_cropped(archive, part: str, name: str, keep, max_rows: int | None) -> Sheet:
    """A sheet calamine may not read as it is: its header read alone, then its data rows
    cropped to the header's columns (see ``_Crop``)."""
    header: list = []
    crop = _Crop(MAX_COLUMNS, header_only=True)
    crop.run(archive, part)
    if crop.first_row == 1:
        rows = _grid(_calamine_sheet(archive, part, crop))
        if rows:
            header = _values(rows[0], None, crop.errors, 1)
    width = keep(header) if keep is not None else MAX_COLUMNS
    crop = _Crop(width, header_only=False, max_rows=max_rows, name=name)
    crop.run(archive, part)
    if not crop.kept:
        return Sheet(name, header, iter(()))
    rows = _grid(_calamine_sheet(archive, part, crop))
    cut = width if keep is not None else None
    return Sheet(name, header, _rows(iter(rows[1:]), 1, cut, crop.errors))


def _calamine_sheet(archive, part: str, crop: _Crop):
    """calamine's reading of the cropped XML, in a copy of the workbook without the other
    worksheets."""
    out = io.BytesIO()
    _found, _ = _worksheets(archive)
    others = {p for _, p in _found} - {part}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for item in archive.infolist():
            if item.filename == part:
                copy.writestr(item.filename, crop.xml())
            elif item.filename in others:
                copy.writestr(item.filename, _EMPTY_SHEET)
            else:
                copy.writestr(item.filename, archive.read(item.filename))
    out.seek(0)
    book = CalamineWorkbook.from_object(out)
    names = dict((p, n) for n, p in _found)
    return book.get_sheet_by_name(names[part])


_EMPTY_SHEET = f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>'.encode()


class _Crop:
    """A worksheet's XML written again holding only what openpyxl's reader keeps: rows in
    increasing order (a row numbered before one already read is dropped), each row as wide
    as its last cell (a cell further right than a later cell of its row is dropped), every
    row and cell with its reference, cells right of ``width`` dropped (the header, row 1,
    is cut at MAX_COLUMNS only and written alone with ``header_only``), texts cut to
    CELL_MAX_CHARS + 1 characters, inline rich text as one text, formulas left out (their
    cached value kept). Raises RowTooFar for a row with a cell numbered beyond
    ``max_rows`` + 1."""

    def __init__(self, width: int, *, header_only: bool, max_rows: int | None = None,
                 name: str = ""):
        self.width, self.header_only = width, header_only
        self.max_rows, self.name = max_rows, name
        self.out: list[str] = []
        self.errors: set[tuple[int, int]] = set()
        self.first_row: int | None = None
        self.kept = 0  # rows written
        self.last = 0
        self.row_counter = 0
        self.stack: list[str] = []
        self.text: list[str] | None = None
        self.done = False

    def xml(self) -> bytes:
        return (f'<worksheet xmlns="{_MAIN}"><sheetData>' + "".join(self.out)
                + "</sheetData></worksheet>").encode()

    def run(self, archive, part: str) -> None:
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        with archive.open(part) as stream:
            while not self.done and (chunk := stream.read(1 << 16)):
                parser.Parse(chunk, False)
            if not self.done:
                parser.Parse(b"", True)

    def start(self, tag, attrs):
        if self.done:
            return
        tag = tag.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else None
        self.stack.append(tag)
        if tag == "row" and parent == "sheetData":
            number = attrs.get("r")
            if number is None:
                self.row_counter += 1
            else:
                value = float(number)
                if not value.is_integer():
                    raise ValueError(f"{number} is not a valid row number")
                self.row_counter = int(value)
            self.col_counter = 0
            self.cells: list[tuple[int, str]] = []
        elif tag == "c" and parent == "row":
            self.cell = attrs
            self.value = None
            self.inline = None
        elif tag == "v" and parent == "c":
            self.text, self.length = [], 0
        elif tag == "is" and parent == "c":
            self.inline = [None, []]
        elif tag == "t" and parent in ("is", "r"):
            self.text, self.length = [], 0

    def characters(self, data):
        if self.text is not None and self.length <= CELL_MAX_CHARS:
            self.text.append(data)
            self.length += len(data)

    def end(self, tag):
        if self.done:
            return
        tag = tag.rpartition(":")[2]
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if tag == "c" and parent == "row":
            self.end_cell()
        elif tag == "row" and parent == "sheetData":
            self.end_row()
        elif tag == "v" and parent == "c":
            self.value = "".join(self.text)[:CELL_MAX_CHARS + 1]
            self.text = None
        elif tag == "t" and self.inline is not None and parent in ("is", "r"):
            text = "".join(self.text)[:CELL_MAX_CHARS + 1]
            self.text = None
            if parent == "is":
                self.inline[0] = text
            elif len(self.stack) >= 2 and self.stack[-2] == "is":
                self.inline[1].append(text)

    def end_cell(self):
        attrs = self.cell
        reference = attrs.get("r")
        if reference:
            m = re.match(r"^[$]?([A-Za-z]{1,3})[$]?(\d+)$", reference)
            if m is None:
                raise ValueError(f"{reference} is not a valid cell reference")
            column = _column_number(m.group(1).upper().encode())
        else:
            column = self.col_counter + 1
        self.col_counter = column
        limit = MAX_COLUMNS if self.last == 0 and self.first_row is None else self.width
        if column > limit:
            return
        kind = attrs.get("t", "n")
        style = attrs.get("s")
        style = f' s="{int(style)}"' if style else ""
        content = ""
        if kind == "inlineStr":
            if self.inline is not None:
                plain, runs = self.inline
                text = "".join(([plain] if plain is not None else []) + runs)
                content = f'<is><t xml:space="preserve">{escape(text)}</t></is>'
        elif self.value:
            content = f"<v>{escape(self.value)}</v>"
        self.cells.append((column, kind, style, content))

    def end_row(self):
        number = self.row_counter
        if number <= self.last:
            return
        first = self.first_row is None
        if first:
            self.first_row = number
        self.last = number
        if self.header_only:
            self.done = True
            if number != 1:
                return
        elif first and number == 1:
            return  # the header is read apart
        if not self.cells:
            return
        if self.max_rows is not None and number > self.max_rows + 1:
            raise RowTooFar(self.name, number)
        width = self.cells[-1][0]
        kept: dict[int, tuple] = {}
        for cell in self.cells:
            if cell[0] <= width:
                kept[cell[0]] = cell
        out = [f'<row r="{number}">']
        for column in sorted(kept):
            _, kind, style, content = kept[column]
            if kind == "e" and content:
                self.errors.add((number, column))
            out.append(f'<c r="{_column_letters(column)}{number}"{style} '
                       f't={quoteattr(kind)}>{content}</c>')
        out.append("</row>")
        self.out.append("".join(out))
        self.kept += 1
