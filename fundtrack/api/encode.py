"""Values as the JSON API writes them (CONTRACT.md): money as a string with two decimals,
a rate as a number or null, dates as YYYY-MM-DD, enumerations as their Chinese words."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from .. import sheets
from ..money import format_money

_GROUP_CODES = dict((label, code) for code, label in (sheets.GROUP_TOWNSHIP, sheets.GROUP_UNIT))


def value(kind: str, v):
    if v is None:
        return None
    if kind == "money":
        return format_money(v)
    if kind == "rate":
        # JSON has only binary numbers; a rate of four decimals survives the trip exactly
        # as text (repr of the double is "0.8765"). Money never takes this path.
        return float(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, enum.Enum):
        return v.label
    if isinstance(v, Decimal):
        return str(v)
    return v


def row(sheet: sheets.Sheet, r: dict) -> dict:
    out = {c.key: value(c.kind, r.get(c.key)) for c in sheet.columns}
    if sheet is sheets.SUMMARY and out.get("group") in _GROUP_CODES:
        out["group"] = _GROUP_CODES[out["group"]]
    return out


def report(rep) -> dict:
    out = {
        "region": rep.region,
        "as_of": rep.as_of.isoformat(),
        "rows": [row(rep.sheet, r) for r in rep.rows],
    }
    if rep.total is not None:
        out["total"] = row(rep.sheet, rep.total)
    if rep.page is not None:
        out.update(page=rep.page, per_page=rep.per_page, count=rep.count)
    return out
