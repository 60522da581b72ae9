"""GET /api/v1/ledger/<report> and /api/v1/export.xlsx."""

from __future__ import annotations

import io
import os
import tempfile

from flask import jsonify, request, send_file

from .. import ledger
from ..access import READ, allow
from ..errors import Refused
from ..ledger.params import parse_ledger_query
from . import bp, encode, refused


def _ledger_view(name: str):
    report_function = ledger.REPORTS[name]

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


for _name in ledger.REPORTS:
    bp.add_url_rule(f"/ledger/{_name}", endpoint=f"ledger_{_name}", view_func=_ledger_view(_name))


@bp.get("/export.xlsx")
@allow(*READ)
def export_xlsx():
    from ..workbook.export import export_workbook

    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        return refused(e)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        export_workbook(path, as_of=query.as_of, filt=query.filt)
        with open(path, "rb") as f:
            data = io.BytesIO(f.read())
    finally:
        os.remove(path)
    return send_file(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"台账_截至{query.as_of.isoformat()}.xlsx",
    )
