"""用户管理: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import ADMIN, allow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@allow(*ADMIN)
def users():
    return render_template("stub.html", title="用户管理")
