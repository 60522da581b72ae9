"""How the exported workbook looks: an auditor's ledger, and how each kind of value is
written into a cell (never a formula, never a float in Python)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from ..enums import NO, YES, LabelledEnum

WORKBOOK_OPTIONS = {
    "constant_memory": True,  # rows go straight to disk: memory stays flat on big ledgers
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

_BASE = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
_NUMBER_FORMATS = {"money": "#,##0.00", "rate": "0.00%", "date": "yyyy-mm-dd", "int": "0"}


class Styles:
    """The cell formats of one xlsxwriter workbook."""

    def __init__(self, workbook):
        add = workbook.add_format
        self.title = add({**_BASE, "bold": True, "font_size": 14})
        self.paragraph = add({**_BASE, "font_size": 11, "text_wrap": True, "valign": "top"})
        self.header = add({**_BASE, "bold": True, "bg_color": "#D9E1F2", "border": 1,
                           "align": "center", "text_wrap": True})
        self.cell = {}
        self.total = {}
        for kind in ("text", "code", "enum", "yesno", "money", "rate", "date", "int"):
            props = {**_BASE, "border": 1}
            if kind in _NUMBER_FORMATS:
                props["num_format"] = _NUMBER_FORMATS[kind]
            if kind in ("code", "text", "enum", "yesno"):
                props["num_format"] = "@"  # text: Excel leaves leading zeros alone
            if kind == "text":
                props["text_wrap"] = True  # free text wraps within its capped width
            self.cell[kind] = add(props)
            self.total[kind] = add({**props, "bold": True, "bg_color": "#F2F2F2"})


def write_cell(ws, row: int, col: int, kind: str, value, fmt) -> None:
    """Write one value as the kind of its column says."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif kind in ("money", "rate"):
        ws.write_number(row, col, _xlsx_number(value), fmt)
    elif kind == "int":
        ws.write_number(row, col, int(value), fmt)
    elif kind == "date" and isinstance(value, dt.date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, text_of(value), fmt)


def cell_writer(ws, kind: str):
    """``write(row, col, value, fmt)``: write_cell for one column's ``kind`` on ``ws``,
    the kind decided once per column rather than once per cell."""
    blank, number = ws.write_blank, ws.write_number
    if kind in ("money", "rate"):
        def write(row, col, value, fmt):
            if value is None or value == "":
                blank(row, col, None, fmt)
            else:
                number(row, col, _xlsx_number(value), fmt)
    elif kind == "int":
        def write(row, col, value, fmt):
            if value is None or value == "":
                blank(row, col, None, fmt)
            else:
                number(row, col, int(value), fmt)
    else:
        string, datetime = ws.write_string, ws.write_datetime

        def write(row, col, value, fmt):
            if value is None or value == "":
                blank(row, col, None, fmt)
            elif type(value) is str:
                string(row, col, value, fmt)
            elif kind == "date" and isinstance(value, dt.date):
                datetime(row, col, value, fmt)
            else:
                string(row, col, text_of(value), fmt)
    return write


def text_of(value) -> str:
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, bool):
        return YES if value else NO
    return str(value)


def _xlsx_number(value: Decimal) -> Decimal:
    """The number written for an amount or a rate: the Decimal itself.

    An xlsx cell stores a number as text read into an IEEE double. xlsxwriter writes
    the value with ``format(value, ".16G")``, which for a Decimal is its exact decimal
    spelling ("1234.50", "0.8765"): the amount never passes through a binary float in
    Python. Only amounts of more than 16 digits are rounded, as a double must.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"money and rates are Decimal, not {type(value).__name__}")
    return value


# --- printing: column widths and page setup ----------------------------------------------

#: Rows of a sheet whose codes, numbers, dates and labels are measured for its column
#: widths: the first ones (and the 合计 row). Free text, which may be long anywhere, is
#: measured on every row as it is written, cheaply.
SAMPLE = 500
#: Widest a column of numbers, codes or dates gets; free text (kind "text") is capped at
#: its declared width and wraps beyond it, its row made as tall as its lines.
_CAP = 24
_MIN = 6
#: Height (points) of one line of 10-point text.
LINE_HEIGHT = 13.5
#: xlsxwriter's paper sizes.
A4, A3 = 9, 8
#: Summed column widths (characters) above which a sheet prints on A3: A4 landscape holds
#: about 145 between its margins, so a wider sheet would shrink below about 85%.
A3_ABOVE = 160


def display_width(text: str) -> int:
    """Columns of ``text`` on paper: a Chinese (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text_width(text: str) -> int:
    """``display_width`` in C speed, for every cell of a long sheet: a character of three
    UTF-8 bytes (Chinese, full-width punctuation) counts two, of one byte one."""
    return (len(text.encode()) + len(text)) // 2


def _sampled_width(kind: str, value) -> int:
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "rate":
        return len(f"{value * 100:.2f}%")
    if kind == "date":
        return 10
    return display_width(text_of(value))


class Widths:
    """The widths of a sheet's columns, measured as its rows are written (the export
    streams: no second pass): its header, every free-text value, the first ``SAMPLE``
    rows' other values."""

    def __init__(self, columns):
        self.columns = columns
        self.widest = [display_width(c.header) for c in columns]
        self.text = [(i, c.key, c.width) for i, c in enumerate(columns) if c.kind == "text"]
        self.sampled = [(i, c.key, c.kind) for i, c in enumerate(columns)
                        if c.kind != "text"]
        self.seen = 0

    def see(self, values: dict) -> int:
        """Measure one row; the lines its wrapped text takes (1: it fits)."""
        widest, lines = self.widest, 1
        for i, key, cap in self.text:
            value = values[key]
            if not value:
                continue
            w = _text_width(value if type(value) is str else text_of(value))
            if w > widest[i]:
                widest[i] = w
            if w + 2 > cap:
                lines = max(lines, -(-w // (cap - 2)))
        if self.seen < SAMPLE:
            self.seen += 1
            for i, key, kind in self.sampled:
                value = values[key]
                if value is not None and value != "":
                    widest[i] = max(widest[i], _sampled_width(kind, value))
        return lines

    def final(self) -> list[int]:
        out = []
        for c, w in zip(self.columns, self.widest, strict=True):
            cap = c.width if c.kind == "text" else _CAP
            out.append(max(_MIN, min(w + 2, cap)))
        return out


def _escape(text: str) -> str:
    """Text for a page header or footer, where ``&`` starts a code."""
    return text.replace("&", "&&")


def date_cn(d: dt.date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def page_setup(ws, *, sheet_name: str, region: str, as_of: dt.date,
               exported_at: dt.datetime, widths: list[int], title_rows: int,
               gridlines: bool) -> None:
    """How a sheet prints: landscape, A4 (A3 when wide), every column on one page wide
    with the rows flowing on, the top ``title_rows`` rows (header, and a computed sheet's
    title line) on every page, a page header naming region, sheet and as-of date, a
    footer with 第X页 共Y页 and the export time."""
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_landscape()
    ws.set_paper(A3 if sum(widths) > A3_ABOVE else A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, title_rows - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.65)
    ws.set_header(f"&L{_escape(region)}&C{_escape(sheet_name)}&R截至{date_cn(as_of)}",
                  {"margin": 0.3})
    ws.set_footer(f"&L导出时间 {exported_at:%Y-%m-%d %H:%M}&C第&P页 共&N页", {"margin": 0.3})
    if gridlines:
        ws.hide_gridlines(0)  # 0: gridlines shown on screen and printed
