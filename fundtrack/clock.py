"""What "today" is: the default as-of date, in the county's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> dt.date:
    tz = ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])
    return dt.datetime.now(tz).date()


def now() -> dt.datetime:
    """The county's wall-clock time (an export's time stamp)."""
    return dt.datetime.now(ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"]))
