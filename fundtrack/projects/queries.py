"""Read side of the registry: what the 年度计划 lists beside the ledger's figures."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Project


def statuses_of(year: int) -> dict[str, tuple]:
    """Project code → (status, approved_by, approved_at) for the projects of ``year``."""
    rows = db.session.execute(
        select(Project.code, Project.status, Project.approved_by, Project.approved_at)
        .where(Project.year == year))
    return {code: (status, by, at) for code, status, by, at in rows}


def plan_years() -> list[int]:
    return list(db.session.scalars(
        select(Project.year).distinct().order_by(Project.year.desc())))
