"""作战图: every project of the selection as a row of planned against actual milestone
bars, grouped by township or unit, with the as-of line; paged, filtered like 项目库,
printable on A3 landscape."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, render_template, request

from ..access import READ, allow
from ..errors import Refused
from ..ledger import project_ledger
from ..ledger.params import parse_ledger_query
from ..paging import DEFAULT_PER_PAGE
from ..projects.forms import filter_form, read_milestone_filters
from .gantt import GROUPS, gantt

bp = Blueprint("wallchart", __name__, url_prefix="/wallchart")


@bp.get("/")
@allow(*READ)
def index():
    form = filter_form(request.args)
    group_by = request.args.get("group") if request.args.get("group") in GROUPS else "township"
    page = {"form": form, "group_by": group_by, "groups": GROUPS}
    try:
        query = parse_ledger_query(request.args, default_per_page=DEFAULT_PER_PAGE)
        filt = dataclasses.replace(query.filt, **read_milestone_filters(request.args))
        report = project_ledger(query.as_of, filt, page=query.page, per_page=query.per_page,
                                sort=group_by)
    except Refused as e:
        return render_template("wallchart/index.html", error=e.message, report=None,
                               chart=None, **page), 400
    if not form.as_of.data:
        form.as_of.data = query.as_of
    return render_template("wallchart/index.html", error=None, report=report,
                           chart=gantt(report, group_by, filt), **page)
