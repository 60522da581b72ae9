"""The warnings as a list: filtered by level, sorted, paged, with the count per level.

The rules run once (a fixed number of statements); the rows are few (warnings, not
ledger rows), so the union of the rules is sorted and paged here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from ..cache import cached
from ..errors import Refused
from ..ledger.filters import LedgerFilter
from .rules import BY_CODE, RULES, Alert, Level, all_warnings, rule_counts

_RULE_ORDER = {r.code: i for i, r in enumerate(RULES)}
_LEVEL_ORDER = {lv: i for i, lv in enumerate(Level)}


def _text(value) -> tuple:
    return (value is None, value or "")


#: Sort keys (as the page's and the API's ``sort``) → the row's key.
SORTS = {
    "level": lambda a: (_LEVEL_ORDER[a.level], _RULE_ORDER[a.rule]),
    "rule": lambda a: (_RULE_ORDER[a.rule],),
    "project_code": lambda a: _text(a.project_code),
    "unit": lambda a: _text(a.unit),
    "source_code": lambda a: _text(a.source_code),
    "days": lambda a: (a.days is None, a.days or 0),
    "amount": lambda a: (a.amount is None, a.amount or 0),
}


def _default_order(a: Alert):
    """Most urgent first: level, then the longest (days) first, then the code."""
    return (_LEVEL_ORDER[a.level], -(a.days or 0), _RULE_ORDER[a.rule], _text(a.project_code),
            _text(a.source_code), a.finding_id or 0)


def sort_alerts(alerts: list[Alert], sort: str | None) -> list[Alert]:
    """By ``sort`` ("-key" descending; empty values last either way), ties in the default
    order. An unknown key is refused (field ``sort``), as paging.apply_sort does."""
    rows = sorted(alerts, key=_default_order)
    if not sort:
        return rows
    key = sort.lstrip("-")
    if key not in SORTS:
        raise Refused(f"不能按「{key}」排序", "sort")
    descending = sort.startswith("-")
    present = [a for a in rows if SORTS[key](a)[0] is not True]
    missing = [a for a in rows if SORTS[key](a)[0] is True]
    present.sort(key=SORTS[key], reverse=descending)
    return present + missing


def count_levels(alerts: list[Alert]) -> dict[Level, int]:
    out = dict.fromkeys(Level, 0)
    for a in alerts:
        out[a.level] += 1
    return out


@cached()
def counts(as_of: dt.date, filt: LedgerFilter | None = None) -> dict[Level, int]:
    """Warnings per level as of D (the dashboard's block): the same rules as the page,
    counted in one statement (rules.rule_counts)."""
    out = dict.fromkeys(Level, 0)
    for code, n in rule_counts(as_of, filt).items():
        out[BY_CODE[code].level] += n
    return out


@dataclass
class WarningReport:
    as_of: dt.date
    region: str
    #: Per level, whatever the level filter.
    counts: dict[Level, int]
    #: The rows of the level asked for (all of them, or one page).
    rows: list[Alert]
    #: Rows of the level asked for, in all pages.
    count: int
    page: int | None = None
    per_page: int | None = None


def parse_level(text: str | None) -> Level | None:
    if not text:
        return None
    try:
        return Level.from_text(text)
    except ValueError as e:
        raise Refused(str(e), "level") from None



def _paged(*args, page=None, per_page=None, **kwargs) -> bool:
    """A page of warnings is kept until the data changes; the whole list is not."""
    return page is not None and per_page is not None


@cached(when=_paged)
def warning_report(as_of: dt.date, filt: LedgerFilter | None = None, *,
                   level: Level | None = None, sort: str | None = None,
                   page: int | None = None, per_page: int | None = None) -> WarningReport:
    alerts = all_warnings(as_of, filt)
    chosen = [a for a in alerts if level is None or a.level == level]
    ordered = sort_alerts(chosen, sort)
    paged = page is not None and per_page is not None
    rows = ordered[(page - 1) * per_page: page * per_page] if paged else ordered
    return WarningReport(
        as_of=as_of, region=current_app.config["FUNDTRACK_REGION"],
        counts=count_levels(alerts), rows=rows, count=len(ordered),
        page=page if paged else None, per_page=per_page if paged else None,
    )
