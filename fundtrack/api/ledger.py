"""GET /api/v1/ledger/<report> and /api/v1/export.xlsx."""

from __future__ import annotations

import contextlib
import os
import tempfile
from urllib.parse import quote

from flask import Response, jsonify, request

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
    # Streamed: written to a temporary file by the streaming export, sent from disk in
    # chunks and removed once sent. Never the whole workbook in memory.
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        export_workbook(path, as_of=query.as_of, filt=query.filt)
        size = os.path.getsize(path)
    except BaseException:
        os.remove(path)
        raise
    name = f"台账_截至{query.as_of.isoformat()}.xlsx"
    response = Response(
        _send_and_remove(path),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        direct_passthrough=True,
    )
    response.content_length = size
    response.headers.set("Content-Disposition", "attachment", filename=name.encode(
        "ascii", "ignore").decode() or "ledger.xlsx", **{"filename*": f"UTF-8''{quote(name)}"})
    # a response closed before it was read (a HEAD request, a client gone) removes it too
    response.call_on_close(lambda: _remove(path))
    return response


def _send_and_remove(path: str, chunk: int = 256 * 1024):
    try:
        with open(path, "rb") as f:
            while block := f.read(chunk):
                yield block
    finally:
        _remove(path)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
