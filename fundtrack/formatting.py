"""How numbers look on screen: one filter each, used by every template."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask

from .money import CENT, format_rate

WAN = Decimal(10000)


def money(value, unit: str = "yuan") -> str:
    """``1234567.5`` → ``1,234,567.50`` (元) or ``123.46`` (万元)."""
    if value is None:
        return ""
    d = to_wan(value) if unit == "wan" else Decimal(value)
    return f"{d:,.2f}"


def to_wan(value) -> Decimal:
    """Yuan → 万元, exact, rounded half-up to two decimals."""
    return (Decimal(value) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def wan(value) -> str:
    """``1234567.5`` → ``123.46``: 万元 in running text (no thousands separators)."""
    return f"{to_wan(value):.2f}"


def rate(value) -> str:
    return "—" if value is None else format_rate(value)


def date(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def localtime(value) -> str:
    """A stored moment (UTC) in the county's time zone: ``2026-11-30 18:05``."""
    if not isinstance(value, dt.datetime):
        return ""
    from zoneinfo import ZoneInfo

    from flask import current_app

    if value.tzinfo is None:  # SQLite keeps UTC times without their zone
        value = value.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(rate, "rate")
    app.add_template_filter(date, "date")
    app.add_template_filter(localtime, "localtime")
