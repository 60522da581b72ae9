"""The front page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from .access import READ, allow, public
from .database import read_only
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
    return render_template("index.html")
