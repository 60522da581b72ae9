"""项目库: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import READ, allow

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@allow(*READ)
def index():
    return render_template("stub.html", title="项目库")
