"""资金 and 支出: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import READ, allow

bp = Blueprint("funds", __name__, url_prefix="/funds")


@bp.get("/")
@allow(*READ)
def index():
    return render_template("stub.html", title="资金")


@bp.get("/payments")
@allow(*READ)
def payments():
    return render_template("stub.html", title="支出")
