"""台账: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import READ, allow

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("/")
@allow(*READ)
def index():
    return render_template("stub.html", title="台账")
