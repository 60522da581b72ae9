"""Reading a date typed or sent as text (YYYY-MM-DD), for every form, page and API call."""

from __future__ import annotations

import datetime as dt

from .errors import Refused


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise Refused(f"「{text}」不是有效日期(应为 YYYY-MM-DD)", field) from None
