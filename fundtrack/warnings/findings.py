"""Rectification rule: findings past their deadline (one statement)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import and_, or_, select, true

from ..projects.models import Project, Unit
from ..rectification.models import Finding
from ..rectification.service import is_overdue as finding_is_overdue
from .base import Alert, project_alert


def finding_overdue(as_of, filt, ctx):
    """Red: a finding (整改) found on or before D, open as of D (not done on or before D),
    past its deadline: deadline < D (the deadline day itself is not overdue).

    A finding about a project follows the project filters; one about a unit only follows
    the unit filter (and is left out when other filters narrow the projects)."""
    stmt = (
        select(Finding.id, Finding.source, Finding.description, Finding.deadline,
               Project.code, Project.name, Unit.name.label("unit"))
        .select_from(Finding)
        .outerjoin(Project, Project.id == Finding.project_id)
        .outerjoin(Unit, Unit.id == Finding.unit_id)
        .where(finding_is_overdue(as_of))
        .order_by(Finding.deadline, Finding.id)
    )
    projects = filt.project_ids(as_of)
    if projects is not None:
        scope = Finding.project_id.in_(projects)
        if not replace(filt, unit=None, year=None).narrows_projects:
            scope = or_(scope, and_(Finding.project_id.is_(None),
                                    Unit.name == filt.unit if filt.unit else true()))
        stmt = stmt.where(scope)
    return stmt


def describe_finding_overdue(r, as_of, ctx) -> Alert:
    days = (as_of - r.deadline).days
    text = r.description if len(r.description) <= 40 else r.description[:40] + "…"
    return project_alert("finding_overdue", r, (
        f"{r.source.label}发现问题「{text}」,整改期限 {r.deadline},"
        f"截至 {as_of} 未整改完成,逾期 {days} 天"), finding_id=r.id, days=days)
