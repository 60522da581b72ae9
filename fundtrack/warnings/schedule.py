"""Schedule rules: milestones late or due soon (one statement each)."""

from __future__ import annotations

from ..enums import MilestoneKind as K
from ..milestones.models import Milestone
from .base import Alert, ago, ahead, baseline_note, milestones, project_alert


def milestone_overdue(as_of, filt, ctx):
    """Red: a milestone other than 完工 overdue MORE than N days (overdue_days).

    Overdue as of D: planned < D and not done as of D; days = D − planned. Red when
    days > N, i.e. planned < D − N (day N is not red, day N + 1 is). 完工 has its own rule.
    """
    return milestones(as_of, filt, Milestone.is_overdue(as_of), Milestone.kind != K.COMPLETED,
                      Milestone.planned_on < ago(as_of, ctx.thresholds.overdue_days))


def describe_milestone_overdue(r, as_of, ctx) -> Alert:
    days = (as_of - r.planned_on).days
    return project_alert("milestone_overdue", r, (
        f"「{r.kind.label}」计划 {r.planned_on} 完成,截至 {as_of} 未完成,"
        f"逾期 {days} 天(超过 {ctx.thresholds.overdue_days} 天){baseline_note(r, as_of)}"),
        days=days)


def completion_overdue(as_of, filt, ctx):
    """Red: the completion date has passed without 完工: the 完工 milestone's planned date
    < D and 完工 not done as of D (from the first day after the planned date)."""
    return milestones(as_of, filt, Milestone.is_overdue(as_of), Milestone.kind == K.COMPLETED)


def describe_completion_overdue(r, as_of, ctx) -> Alert:
    days = (as_of - r.planned_on).days
    return project_alert("completion_overdue", r, (
        f"计划完工日期 {r.planned_on} 已过,截至 {as_of} 未完工,逾期 {days} 天"
        f"{baseline_note(r, as_of)}"), days=days)


def due_soon(as_of, filt, ctx):
    """Blue: a milestone not done as of D, planned within the next N days (due_soon_days):
    D <= planned <= D + N (due today is blue; N + 1 days ahead is not)."""
    n = ctx.thresholds.due_soon_days
    return milestones(as_of, filt, ~Milestone.is_done(as_of), Milestone.planned_on >= as_of,
                      Milestone.planned_on <= ahead(as_of, n))


def describe_due_soon(r, as_of, ctx) -> Alert:
    days = (r.planned_on - as_of).days
    left = "今天到期" if days == 0 else f"还有 {days} 天"
    return project_alert("due_soon", r, (
        f"「{r.kind.label}」计划 {r.planned_on} 完成,{left}"
        f"(提前 {ctx.thresholds.due_soon_days} 天提示)"), days=days)


def baseline_overdue(as_of, filt, ctx):
    """Yellow: a milestone whose planned date was moved (计划调整) so that it is not
    overdue against the current plan (planned >= D), but is against its baseline
    (基准计划) by MORE than N days (overdue_days): not done as of D and baseline < D − N.
    Moving a date does not make a late project look on time."""
    return milestones(as_of, filt, ~Milestone.is_done(as_of), Milestone.planned_on >= as_of,
                      Milestone.baseline_on < ago(as_of, ctx.thresholds.overdue_days))


def describe_baseline_overdue(r, as_of, ctx) -> Alert:
    days = (as_of - r.baseline_on).days
    return project_alert("baseline_overdue", r, (
        f"「{r.kind.label}」基准计划 {r.baseline_on} 完成,已调整为 {r.planned_on};"
        f"截至 {as_of} 未完成,按基准计划逾期 {days} 天"
        f"(超过 {ctx.thresholds.overdue_days} 天)"), days=days)
