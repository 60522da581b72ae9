"""月报: the paragraph of the monthly report as of a date, ready to paste, with its figures."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request

from ..access import READ, allow
from ..clock import today
from ..errors import Refused
from ..ledger.dashboard import filter_choices
from ..ledger.monthly import last_month_end, monthly_report
from ..ledger.params import parse_ledger_query

bp = Blueprint("report", __name__, url_prefix="/report")


@bp.get("/monthly")
@allow(*READ)
def monthly():
    """Without a date, the report is for the last month end (a report goes up after its
    month has ended), not for today."""
    choices = filter_choices()
    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return render_template("charts/monthly.html", error=e.message, args=request.args,
                               report=None, choices=choices), 400
    if not request.args.get("as_of"):
        query = replace(query, as_of=last_month_end(today()))
    return render_template("charts/monthly.html", args=request.args, error=None,
                           report=monthly_report(query.as_of, query.filt), choices=choices)
