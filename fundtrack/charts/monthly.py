"""月报: the paragraph of the monthly report as of a date, ready to paste, with its figures."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..access import READ, allow
from ..errors import Refused
from ..ledger.monthly import monthly_report
from ..ledger.params import parse_ledger_query

bp = Blueprint("report", __name__, url_prefix="/report")


@bp.get("/monthly")
@allow(*READ)
def monthly():
    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return render_template("charts/monthly.html", error=e.message, args=request.args,
                               report=None), 400
    return render_template("charts/monthly.html", args=request.args, error=None,
                           report=monthly_report(query.as_of, query.filt))
