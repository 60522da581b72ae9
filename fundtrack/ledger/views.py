"""台账: the five computed reports of the contract on screen, as of any date, filtered,
sorted and paged on the server, in 元 or 万元, each with the audit workbook download for
the same selection and date. The figures come from the report functions, as in the API
and the exported workbook."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..access import READ, allow
from ..errors import Refused
from . import REPORTS
from .dashboard import filter_choices
from .params import parse_ledger_query

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

#: Report name (as in REPORTS and the API) → page title, in tab order.
TITLES = {
    "projects": "项目台账",
    "allocations": "项目资金台账",
    "funds": "资金台账",
    "carryover": "结转结余",
    "overdue": "逾期清单",
    "summary": "汇总",
}
#: The filters of the form (and of the workbook download), as request arguments.
FILTERS = ("as_of", "year", "township", "unit", "category", "priority", "q")
PER_PAGE = 50


@bp.get("/")
@allow(*READ)
def index():
    return _show("projects")


@bp.get("/<report>")
@allow(*READ)
def report(report: str):
    if report not in REPORTS:
        abort(404)
    return _show(report)


def _show(name: str):
    args = request.args
    page = {
        "name": name,
        "title": TITLES[name],
        "titles": TITLES,
        "args": args,
        "unit": "wan" if args.get("money") == "wan" else "yuan",
        "choices": filter_choices(),
        # tabs keep the selection; paging and sorting are each report's own
        "tab_args": {k: v for k, v in args.items() if k not in ("page", "sort") and v},
    }
    try:
        query = parse_ledger_query(args, default_per_page=PER_PAGE)
        result = REPORTS[name](query.as_of, query.filt, page=query.page,
                               per_page=query.per_page, sort=query.sort)
    except Refused as e:
        return render_template("ledger/report.html", error=e.message, **page), 400
    return render_template(
        "ledger/report.html",
        report=result,
        export_args=_export_args(args, result.as_of),
        **page,
    )


def _export_args(args, as_of) -> dict:
    """The download's arguments: exactly the screen's selection and date."""
    chosen = {k: args[k].strip() for k in FILTERS if k != "as_of" and (args.get(k) or "").strip()}
    return {"as_of": as_of.isoformat(), **chosen}
