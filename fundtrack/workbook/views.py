"""导入台账: screens (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import FINANCE, allow

bp = Blueprint("workbook", __name__, url_prefix="/import")


@bp.get("/")
@allow(*FINANCE)
def import_page():
    return render_template("stub.html", title="导入台账")
