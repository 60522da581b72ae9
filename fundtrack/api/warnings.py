"""GET /api/v1/warnings: the warnings (预警) as of a date, as JSON."""

from __future__ import annotations

from flask import jsonify, request, url_for

from ..access import READ, allow
from ..errors import Refused
from ..money import format_money
from ..warnings.report import warning_report
from ..warnings.views import query_from
from . import bp, refused

#: Keys of a warning row in JSON.
ROW_KEYS = ("level", "rule", "rule_label", "project_code", "project_name", "unit",
            "source_code", "source_name", "finding_id", "reason", "days", "amount", "link")


def _row(a) -> dict:
    endpoint, args = a.link
    return {
        "level": a.level.label,
        "rule": a.rule,
        "rule_label": a.rule_label,
        "project_code": a.project_code,
        "project_name": a.project_name,
        "unit": a.unit,
        "source_code": a.source_code,
        "source_name": a.source_name,
        "finding_id": a.finding_id,
        "reason": a.reason,
        "days": a.days,
        "amount": None if a.amount is None else format_money(a.amount),
        "link": url_for(endpoint, **args),
    }


@bp.get("/warnings")
@allow(*READ)
def warnings():
    try:
        query, level = query_from(request.args)
        report = warning_report(query.as_of, query.filt, level=level, sort=query.sort,
                                page=query.page, per_page=query.per_page)
    except Refused as e:
        return refused(e)
    out = {
        "region": report.region,
        "as_of": report.as_of.isoformat(),
        "counts": {lv.value: n for lv, n in report.counts.items()},
        "rows": [_row(a) for a in report.rows],
    }
    if report.page is not None:
        out.update(page=report.page, per_page=report.per_page, count=report.count)
    return jsonify(out)
