"""Percentages as an administrator types them ("60", "62.5%") and the rates they stand
for (Decimal("0.6250"), four places, as money.rate gives them): one rule for every
setting that is a percentage."""

from __future__ import annotations

from decimal import Decimal

from ..errors import Refused
from ..money import RATE_PLACES


def parse_percent(value, field: str, label: str = "百分比") -> Decimal:
    """A percentage as typed (at most two decimals, 0 to 100, "%" optional) → its rate.

    A Decimal is taken as the rate itself (``Decimal("0.625")``), as the services'
    callers pass it; anything else is read as the text typed. Refused (on ``field``, the
    message naming ``label``) when it is no number, outside 0%..100% or finer than
    0.01%."""
    if isinstance(value, Decimal):
        rate = value
    else:
        text = str(value if value is not None else "").strip().rstrip("%").strip()
        try:
            rate = Decimal(text) / 100
        except ArithmeticError:
            raise Refused(f"「{value}」不是有效的百分比", field) from None
    if not rate.is_finite():
        raise Refused(f"「{value}」不是有效的百分比", field)
    if not 0 <= rate <= 1:
        raise Refused(f"{label}应在 0% 到 100% 之间", field)
    if rate != rate.quantize(RATE_PLACES):
        raise Refused(f"{label}最多两位小数(如 62.50%)", field)
    return rate.quantize(RATE_PLACES)


def percent_text(value: Decimal) -> str:
    """``Decimal("0.9000")`` → ``"90"``; ``0.8750`` → ``"87.5"`` (as the form shows it)."""
    text = f"{(value * 100).quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text
