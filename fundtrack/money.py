"""Money and rates: exact decimals, never binary floats.

Money is yuan with two decimals (fen). In the database it is ``Numeric(18, 2)``; on
SQLite, which has no exact decimal type, the same column holds whole fen as an integer so
that ``SUM`` stays exact. A rate is the exact quotient rounded half-up to four decimals.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger, Integer, Numeric
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
#: The largest amount a Numeric(18, 2) column holds.
MAX_AMOUNT = Decimal("9999999999999999.99")


class Money(TypeDecorator):
    """Yuan with two decimals: Numeric(18, 2), or integer fen on SQLite."""

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
        if dialect.name == "sqlite":
            return int(value * 100)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(CENT)
        return Decimal(value).quantize(CENT)


class Rate(TypeDecorator):
    """A rate with four decimals (0.0300 is 3%), stored exactly as whole ten-thousandths
    in an integer column on every database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP).scaleb(4))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)).scaleb(-4)).quantize(RATE_PLACES)


#: A number whose commas separate thousands: 1,000 / -12,345.67 (full-width ， is NFKC ,).
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


class MoneyError(ValueError):
    """A value that is not an amount of yuan with at most two decimals."""


def parse_money(value) -> Decimal:
    """An amount from a cell or JSON value: a number or a text such as ``1,234.50``.

    Raises MoneyError (message in Chinese) for anything that is not yuan with at most
    two decimals. Full-width digits are read as digits; a comma only as the thousands
    separator it is in ``1,234,567.50`` (``1,0`` is refused, not read as 10). Floats
    coming from a spreadsheet are read by their shortest decimal spelling, so 1234.56
    stays 1234.56.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError("不是有效金额")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits too
        if text.endswith("元"):
            text = text[:-1].strip()
        if "," in text:
            if _THOUSANDS.fullmatch(text) is None:
                raise MoneyError(
                    f"「{value}」不是有效金额(逗号只能用作千位分隔符,如 12,345.67)")
            text = text.replace(",", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"「{value}」不是有效金额") from None
    if not d.is_finite():
        raise MoneyError(f"「{value}」不是有效金额")
    # the range first: quantizing a huge number (1e+26) to fen overflows the precision
    if abs(d) > MAX_AMOUNT:
        raise MoneyError(f"金额「{value}」超出范围")
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError(f"金额「{value}」超过两位小数(元精确到分)")
    return d.quantize(CENT)


def rate(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator, rounded half-up to four decimals; None when undefined."""
    if numerator is None or not denominator:
        return None
    # Exact: both are decimals with at most two places, so work in whole fen.
    n = int(Decimal(numerator).scaleb(2).to_integral_value())
    d = int(Decimal(denominator).scaleb(2).to_integral_value())
    negative = (n < 0) != (d < 0)
    n, d = abs(n), abs(d)
    q = (2 * n * 10000 + d) // (2 * d)  # half-up at the fourth decimal
    result = Decimal(q).scaleb(-4)
    return -result if negative else result


def format_money(value: Decimal | None) -> str:
    """``1234.5`` → ``"1234.50"``: money in JSON and text."""
    return "" if value is None else str(Decimal(value).quantize(CENT))


def format_rate(value: Decimal | None) -> str:
    """``0.8765`` → ``"87.65%"``."""
    if value is None:
        return ""
    return f"{(value * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"
