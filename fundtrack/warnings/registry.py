"""Rules of the registry (项目库), one statement each: a settled project whose assets are
not handed over (资产移交), a project in 实施 without performance targets (绩效目标)."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ..assets.models import AssetHandover
from ..enums import MilestoneKind as K
from ..enums import ProjectStatus
from ..milestones.models import Milestone
from ..performance.models import PerformanceTarget
from ..projects.models import Project, Unit
from .base import Alert, ago, project_alert, project_head


def not_handed_over(as_of, filt, ctx):
    """Yellow: 报账 done as of D MORE than N days before D (handover_after_settlement_days:
    D − 报账 date > N), and no asset of the project handed over on or before D."""
    n = ctx.thresholds.handover_after_settlement_days
    settled = aliased(Milestone)
    return (
        select(*project_head(), settled.done_on)
        .join(Unit, Unit.id == Project.unit_id)
        .join(settled, and_(settled.project_id == Project.id, settled.kind == K.SETTLED))
        .where(settled.is_done(as_of), settled.done_on < ago(as_of, n),
               ~select(AssetHandover.id).where(AssetHandover.project_id == Project.id,
                                               AssetHandover.handed_over_on <= as_of)
               .correlate(Project).exists(),
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_not_handed_over(r, as_of, ctx) -> Alert:
    days = (as_of - r.done_on).days
    return project_alert("not_handed_over", r, (
        f"已于 {r.done_on} 报账,已 {days} 天仍未登记资产移交"
        f"(超过 {ctx.thresholds.handover_after_settlement_days} 天)"), days=days)


def without_targets(as_of, filt, ctx):
    """Blue: a project whose status is 实施 and which has no performance target (a
    workbook loads such a project; DOMAIN.md makes it a warning). The status is
    today's, not dated."""
    return (
        select(*project_head())
        .join(Unit, Unit.id == Project.unit_id)
        .where(Project.status == ProjectStatus.IMPLEMENTING,
               ~select(PerformanceTarget.id)
               .where(PerformanceTarget.project_id == Project.id)
               .correlate(Project).exists(),
               *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_without_targets(r, as_of, ctx) -> Alert:
    return project_alert("without_targets", r, "项目正在实施,尚未填写绩效目标")
