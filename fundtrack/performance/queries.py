"""Read side of the performance targets: the indicators of many projects at once."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..projects.models import Project
from .models import PerformanceTarget


def targets_of_year(year: int) -> dict[str, list[PerformanceTarget]]:
    """Project code → its indicators, for the projects of ``year`` (one statement)."""
    out: dict[str, list[PerformanceTarget]] = {}
    rows = db.session.execute(
        select(Project.code, PerformanceTarget)
        .join(Project, Project.id == PerformanceTarget.project_id)
        .where(Project.year == year)
        .order_by(Project.code, PerformanceTarget.id))
    for code, item in rows:
        out.setdefault(code, []).append(item)
    return out
