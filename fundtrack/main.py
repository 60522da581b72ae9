"""The front page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import text

from .access import READ, allow, public
from .database import read_only
from .enums import Role
from .errors import Refused
from .extensions import db

bp = Blueprint("main", __name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        with read_only():
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    except Exception:  # noqa: BLE001  (any database failure means "not ok")
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.get("/")
@allow(*READ)
def index():
    """首页: the figures of the monthly report as of a date, by channel category."""
    from .ledger import by_category, carryover, overdue_list
    from .ledger.dashboard import category_total, filter_choices
    from .ledger.params import own_unit_default, parse_ledger_query
    from .ledger.reports import summary_total

    try:
        query = own_unit_default(parse_ledger_query(request.args), request.args, current_user)
    except Refused as e:
        return render_template("main/index.html", error=e.message, args=request.args), 400
    categories = by_category(query.as_of, query.filt)
    own = current_user.unit.name if current_user.unit is not None else None
    return render_template(
        "main/index.html",
        args=request.args,
        #: The unit the page is scoped to (a manager's own by default), else None.
        scope_unit=query.filt.unit,
        choices=filter_choices(),
        own_unit=own if current_user.role == Role.MANAGER else None,
        as_of=query.as_of,
        ledger_args=query.dashboard_args,
        categories=categories,
        funds=category_total(categories),
        years=carryover(query.as_of, query.filt).total,
        progress=summary_total(query.as_of, query.filt),
        overdue=overdue_list(query.as_of, query.filt, page=1, per_page=10),
    )
