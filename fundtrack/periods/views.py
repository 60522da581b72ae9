"""月结: the list of closes with their stored figures beside the same figures recomputed
now (READ), and closing a month in two steps: the figures, then the confirmation
(finance, admin)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import FINANCE, READ, allow, has_role
from ..database import unit_of_work
from ..errors import Refused
from ..forms import show_refusal
from . import service
from .forms import CloseForm

bp = Blueprint("periods", __name__, url_prefix="/periods")


def _local(at: dt.datetime) -> dt.datetime:
    """A stored UTC time in the county's time zone (SQLite keeps it without its zone)."""
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"]))


def _page(form: CloseForm, status: int = 200, preview: dict | None = None):
    closes = service.closes()
    return render_template(
        "periods/index.html",
        rows=[(c, service.verify(c), _local(c.closed_at)) for c in closes],
        closed_through=service.closed_through(),
        form=form if has_role(*FINANCE) else None,
        preview=preview,
    ), status


@bp.get("/")
@allow(*READ)
def index():
    return _page(CloseForm(month=service.suggested_month()))


@bp.post("/close")
@allow(*FINANCE)
def close():
    form = CloseForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        if form.confirmed.data != "1":
            month, ends_on = service.check_can_close(form.month.data)
            form.month.data, form.confirmed.data = month, "1"
            preview = {"month": month, "ends_on": ends_on, **service.fund_snapshot(ends_on),
                       "carryover": service.carryover_snapshot(ends_on)
                       if service.ends_year(ends_on) else None}
            return _page(form, preview=preview)
        with unit_of_work(current_user.username):
            done = service.close_month(form.month.data)
            month, ends_on = done.month, done.ends_on
    except Refused as e:
        form.confirmed.data = ""
        show_refusal(form, e)
        return _page(form, 409 if e.conflict else 422)
    flash(f"已月结 {month}:{ends_on} 及以前的资金记录不能再录入或冲销", "success")
    return redirect(url_for(".index"))
