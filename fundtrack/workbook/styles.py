"""How the exported workbook looks: an auditor's ledger, and how each kind of value is
written into a cell (never a formula, never a float in Python)."""

from __future__ import annotations

import datetime as dt
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
        self.paragraph = add({**_BASE, "font_size": 11})
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
