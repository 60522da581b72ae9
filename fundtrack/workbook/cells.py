"""Reading one cell of an imported workbook into the value a service expects.

A cell comes from pandas (``dtype=object``): ``None``/NaN when empty, str, int (pandas
turns a whole float into an int), float, bool, or datetime for an Excel date cell. Each
``kind`` of fundtrack.sheets.Column has its reader here; a reader raises CellError with a
message in Chinese when the cell cannot be read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..enums import (
    AssetClass,
    FundCategory,
    Level,
    MilestoneKind,
    PaymentKind,
    ProjectStatus,
    RecoveryDestination,
    TargetCategory,
    TenderMethod,
    parse_yes_no,
)
from ..money import RATE_PLACES, MoneyError, parse_money


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


#: The enumeration behind each ``enum`` column, by column key.
ENUMS = {
    "level": Level,
    "category": FundCategory,
    "kind": PaymentKind,
    "milestone": MilestoneKind,
    "status": ProjectStatus,
    "destination": RecoveryDestination,
    "tender_method": TenderMethod,
    "target_category": TargetCategory,
    "asset_class": AssetClass,
}

#: Years outside this range are typing errors, not years of a county's budget.
YEARS = range(1900, 2201)

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def is_blank(value) -> bool:
    if type(value) is str:  # the common case first
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number_text(value) -> str:
    """A number typed into a text column, as the user sees it: 12.0 → "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(value) -> str:
    if type(value) is str:  # the common case first
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value).strip()


def read_code(value) -> str:
    """Codes, voucher and phone numbers are text; a number cell 123 reads as "123"."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(f"「{value}」不是有效编号(编号请以文本填写)")
    return read_text(value)


def read_money(value):
    try:
        return parse_money(value)
    except MoneyError as e:
        raise CellError(str(e)) from None


def read_date(value) -> dt.date:
    if isinstance(value, dt.datetime):  # an Excel date cell (pandas gives a datetime)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                try:
                    return dt.date(*map(int, m.groups()))
                except ValueError:
                    break
    # A bare number is no date: it may be an Excel serial typed as a number, or a slip.
    raise CellError(f"「{read_text(value)}」不是有效日期(应为日期,如 2024-03-05)")


def read_int(value) -> int:
    """年度, the one integer column of the data sheets: 2024, "2024" or "2024年"."""
    year = None
    if isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str):
        text = value.strip().removesuffix("年")
        year = int(text) if text.isascii() and text.isdigit() else None
    if year is None or year not in YEARS:
        raise CellError(f"「{read_text(value)}」不是有效年度")
    return year


def read_rate(value) -> Decimal:
    """A percentage (质保金比例): a number is the rate itself, as Excel holds a percentage
    cell (3% is 0.03); text is "3%" (or "0.03"). 0% to 100%, at most two decimals of a
    percent."""
    text = None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        if isinstance(value, int | float):
            rate = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            text = unicodedata.normalize("NFKC", str(value)).strip()
            if text.endswith("%"):
                rate = Decimal(text[:-1].strip()) / 100
            else:
                rate = Decimal(text)
    except (InvalidOperation, ValueError):
        raise CellError(f"「{read_text(value)}」不是有效的百分比(如 3%)") from None
    if not rate.is_finite():
        raise CellError(f"「{read_text(value)}」不是有效的百分比(如 3%)")
    if not 0 <= rate <= 1:
        raise CellError(f"「{read_text(value)}」应在 0% 到 100% 之间(如 3%)")
    if rate != rate.quantize(RATE_PLACES):
        raise CellError(f"「{read_text(value)}」最多两位小数(如 2.50%)")
    return rate.quantize(RATE_PLACES)


def read_enum(key: str):
    cls = ENUMS[key]

    def read(value):
        try:
            return cls.from_text(read_text(value))
        except ValueError as e:
            raise CellError(str(e)) from None

    return read


def read_yes_no(value) -> bool:
    try:
        return parse_yes_no(read_text(value))
    except ValueError as e:
        raise CellError(str(e)) from None


def reader(column):
    """The reader for a column of fundtrack.sheets."""
    kind = column.kind
    if kind == "enum":
        return read_enum(column.key)
    return {
        "text": read_text,
        "code": read_code,
        "money": read_money,
        "date": read_date,
        "int": read_int,
        "yesno": read_yes_no,
        "rate": read_rate,
    }[kind]
