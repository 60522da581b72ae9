"""GET /api/v1/ledger/<report> and /api/v1/export.xlsx."""

from __future__ import annotations

from flask import jsonify, request

from ..access import READ, allow
from ..errors import Refused
from ..ledger.params import parse_ledger_query
from ..ledger.reports import REGISTRY, ReportKind
from . import bp, encode, refused


def _ledger_view(kind: ReportKind):
    name, report_function = kind.name, kind.function

    @allow(*READ)
    def view():
        try:
            query = parse_ledger_query(request.args)
        except Refused as e:
            return refused(e)
        try:
            report = report_function(query.as_of, query.filt, page=query.page,
                                     per_page=query.per_page, sort=query.sort)
        except Refused as e:
            return refused(e)
        return jsonify(encode.report(report))

    view.__name__ = f"ledger_{name}"
    return view


for _kind in REGISTRY:
    bp.add_url_rule(f"/ledger/{_kind.name}", endpoint=f"ledger_{_kind.name}",
                    view_func=_ledger_view(_kind))


@bp.get("/export.xlsx")
@allow(*READ)
def export_xlsx():
    from ..workbook.download import file_name, xlsx_response
    from ..workbook.export import export_workbook, selection

    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return refused(e)
    # a filtered workbook says its filter in its name: 台账_城关镇_截至2024-06-30.xlsx
    name = file_name("台账", selection(query.filt), f"截至{query.as_of.isoformat()}")
    return xlsx_response(
        lambda path: export_workbook(path, as_of=query.as_of, filt=query.filt), name)
