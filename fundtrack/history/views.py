"""变更记录: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import AUDIT, allow

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.get("/")
@allow(*AUDIT)
def index():
    return render_template("stub.html", title="变更记录")
