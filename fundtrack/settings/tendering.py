"""The tendering threshold (招标限额): without a stored value, the one of the
configuration (``FUNDTRACK_TENDER_THRESHOLD``)."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

from ..errors import Refused
from ..money import MoneyError, parse_money
from .store import read, write

THRESHOLD_KEY = "tender_threshold"


def tender_threshold() -> Decimal:
    """A single project above this total investment (yuan) must be tendered (招标)."""
    stored = read(THRESHOLD_KEY)
    if stored is not None:
        return Decimal(stored)
    return Decimal(current_app.config["FUNDTRACK_TENDER_THRESHOLD"])


def set_tender_threshold(amount) -> Decimal:
    try:
        value = parse_money(amount)
    except MoneyError as e:
        raise Refused(str(e), "tender_threshold") from None
    if value < 0:
        raise Refused("招标限额不能为负数", "tender_threshold")
    write(THRESHOLD_KEY, str(value))
    return value
