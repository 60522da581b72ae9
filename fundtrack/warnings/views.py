"""预警: the warnings page, per unit (a manager sees their own unit's by default), as of
any date, filtered like the ledgers, by level, sorted and paged."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..access import READ, allow
from ..errors import Refused
from ..ledger.dashboard import filter_choices
from ..ledger.params import own_unit_default, parse_ledger_query
from .report import counts as level_counts
from .report import parse_level, warning_report
from .rules import RULES, Level

bp = Blueprint("warnings", __name__, url_prefix="/warnings")
PER_PAGE = 50


def query_from(args, *, default_per_page: int | None = None):
    """(LedgerQuery, level) from request arguments. A manager's unit is the default unit
    filter; an explicit empty ``unit=`` asks for every unit."""
    query = own_unit_default(parse_ledger_query(args, default_per_page=default_per_page),
                             args, current_user)
    return query, parse_level(args.get("level"))


@bp.get("/")
@allow(*READ)
def index():
    args = request.args
    page = {"args": args, "choices": filter_choices(), "levels": list(Level), "rules": RULES}
    try:
        query, level = query_from(args, default_per_page=PER_PAGE)
        report = warning_report(query.as_of, query.filt, level=level, sort=query.sort,
                                page=query.page, per_page=query.per_page)
    except Refused as e:
        return render_template("warnings/index.html", error=e.message, **page), 400
    keep = {k: v for k, v in args.items() if k not in ("page", "level") and v}
    keep.update(as_of=report.as_of.isoformat(), unit=query.filt.unit or "")
    return render_template("warnings/index.html", report=report, level=level,
                           unit=query.filt.unit, keep=keep, **page)


@bp.get("/counts")
@allow(*READ)
def counts():
    """The dashboard's block: warnings per level as of the date, in the dashboard's
    scope (its ``unit``, every unit without one), as an HTML fragment the dashboard loads
    after it is shown."""
    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return render_template("warnings/_counts.html", error=e.message), 400
    return render_template("warnings/_counts.html", ledger_args=query.dashboard_args,
                           counts=level_counts(query.as_of, query.filt))
