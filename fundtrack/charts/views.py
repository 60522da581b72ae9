"""图表: spending rate by channel and by township, start and completion rates by unit,
money month by month against the money arrived; and 重点村占比 against its targets.

The page shows each chart's figures as a table (formatted by the ledger's filters: people
print); the drawing comes from /charts/data.json, fetched by static/js/charts.js. Rates
and 万元 travel to the script as plain numbers for drawing only.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import sheets
from ..access import READ, allow
from ..errors import Refused
from ..formatting import to_wan
from ..ledger import fund_ledger, summary
from ..ledger.dashboard import filter_choices
from ..ledger.params import parse_ledger_query
from ..ledger.series import monthly_series
from ..ledger.shares import by_channel, by_unit
from ..money import format_rate
from ..settings.service import share_targets

bp = Blueprint("charts", __name__, url_prefix="/charts")

#: The filters the page reads (as the ledger screens do).
FILTERS = ("as_of", "year", "township", "unit", "category", "priority")


def _figures(args) -> dict:
    """Every figure of the page from the ledger (raises Refused on a bad argument)."""
    query = parse_ledger_query(args)
    groups = summary(query.as_of, query.filt).rows
    year = query.filt.year or query.as_of.year
    return {
        "as_of": query.as_of,
        "year": year,
        "channels": fund_ledger(query.as_of, query.filt),
        "townships": [r for r in groups if r["group"] == sheets.GROUP_TOWNSHIP[1]],
        "units": [r for r in groups if r["group"] == sheets.GROUP_UNIT[1]],
        "months": monthly_series(year, query.as_of, query.filt),
    }


def _page(template: str, **figures):
    args = request.args
    return render_template(
        template, args=args, choices=filter_choices(),
        data_args={k: args[k] for k in FILTERS if args.get(k)}, **figures)


@bp.get("/")
@allow(*READ)
def index():
    try:
        figures = _figures(request.args)
    except Refused as e:
        return _page("charts/index.html", error=e.message), 400
    return _page("charts/index.html", error=None, **figures)


def _n(value):
    """A rate or an amount as a number for drawing (None stays None)."""
    return None if value is None else float(value)


def _wan(value):
    return None if value is None else float(to_wan(value))


@bp.get("/data.json")
@allow(*READ)
def data():
    try:
        f = _figures(request.args)
    except Refused as e:
        return jsonify({"errors": [{"field": e.field, "message": e.message}]}), 422
    return jsonify({
        "as_of": f["as_of"].isoformat(),
        "year": f["year"],
        "channels": [{"name": f"{r['source_code']} {r['name']}", "rate": _n(r["spending_rate"]),
                      "label": format_rate(r["spending_rate"])} for r in f["channels"].rows],
        "townships": [{"name": r["name"], "rate": _n(r["spending_rate"]),
                       "label": format_rate(r["spending_rate"])} for r in f["townships"]],
        "units": [{"name": r["name"], "start_rate": _n(r["start_rate"]),
                   "completion_rate": _n(r["completion_rate"]),
                   "start_label": format_rate(r["start_rate"]),
                   "completion_label": format_rate(r["completion_rate"])} for r in f["units"]],
        "months": [{"month": m.month, "spent": _wan(m.spent),
                    "spent_to_date": _wan(m.spent_to_date),
                    "arrived_to_date": _wan(m.arrived_to_date),
                    "recovered": _wan(m.recovered),
                    "recovered_to_date": _wan(m.recovered_to_date)} for m in f["months"]],
    })


@bp.get("/shares")
@allow(*READ)
def shares():
    """重点村占比: per channel and per unit, against the targets of the settings."""
    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return _page("charts/shares.html", error=e.message), 400
    channel_target, unit_target = share_targets()
    return _page(
        "charts/shares.html", error=None, as_of=query.as_of,
        channels=by_channel(query.as_of, channel_target, query.filt),
        units=by_unit(query.as_of, unit_target, query.filt),
        channel_target=channel_target, unit_target=unit_target,
    )

