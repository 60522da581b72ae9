"""Read side of asset handover: the 资产台账 (every asset handed over, filtered)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..enums import AssetClass
from ..extensions import db
from ..projects.models import Project, Unit
from .models import AssetHandover


def ledger(*, unit: str | None = None, asset_class: AssetClass | None = None,
           year: int | None = None):
    """The statement of the 资产台账 rows (asset, its project and unit), newest first."""
    stmt = (select(AssetHandover, Project.code, Project.name.label("project_name"),
                   Unit.name.label("unit"))
            .join(Project, Project.id == AssetHandover.project_id)
            .join(Unit, Unit.id == Project.unit_id)
            .order_by(AssetHandover.handed_over_on.desc(), AssetHandover.id.desc()))
    if unit:
        stmt = stmt.where(Unit.name == unit)
    if asset_class is not None:
        stmt = stmt.where(AssetHandover.asset_class == asset_class)
    if year is not None:
        stmt = stmt.where(Project.year == year)
    return stmt


def totals(stmt) -> tuple[int, object]:
    """(count, Σ value) of the selection, in one statement."""
    rows = stmt.order_by(None).subquery()
    count, total = db.session.execute(
        select(func.count(), func.sum(rows.c.value))).one()
    return count, total
