"""The year's rules (one statement each): money idle over one year (结存1年以上, yellow)
and over two years (结存2年以上, red) per channel, from the 结转结余 report's own
statement (ledger/reports/carryover.py: first in, first out, never restated here); and a
settled project still holding unspent allocation (报账后结余未调减, yellow)."""

from __future__ import annotations

from sqlalchemy import Numeric, and_, func, select, type_coerce
from sqlalchemy.orm import aliased

from ..enums import MilestoneKind as K
from ..formatting import money
from ..funds.models import Allocation, Disbursement
from ..ledger import queries as q
from ..ledger.reports.carryover import statement as carryover_statement
from ..ledger.reports.carryover import years_before
from ..milestones.models import Milestone
from ..money import ZERO
from ..projects.models import Project, Unit
from .base import Alert, ago, alert, project_alert, project_head


def _ages(as_of, filt):
    """The 结转结余 statement's channels with their ages, as a subquery."""
    return carryover_statement(as_of, filt).order_by(None).subquery()


def idle_over_two_years(as_of, filt, ctx):
    """Red, 结存2年以上: a channel (of 年度 ≤ D's year, in scope as in the 结转结余
    report) whose money arrived on or before the same calendar day two years before D
    and not used up by spending and recoveries as of D (first in, first out) is MORE
    than the amount threshold (idle_amount; 0: any fen). An arrival dated exactly two
    years before D counts (29 February → 28 February)."""
    ages = _ages(as_of, filt)
    return (
        select(ages.c.code, ages.c.name, ages.c.idle_1y, ages.c.idle_2y)
        .where(ages.c.idle_2y > ctx.year.idle_amount)
        .order_by(ages.c.code)
    )


def idle_over_one_year(as_of, filt, ctx):
    """Yellow, 结存1年以上: likewise with one year, for a channel that is not already
    red (its money over two years is not above the threshold): one warning per channel,
    the red one naming both ages."""
    ages = _ages(as_of, filt)
    return (
        select(ages.c.code, ages.c.name, ages.c.idle_1y, ages.c.idle_2y)
        .where(ages.c.idle_1y > ctx.year.idle_amount,
               ages.c.idle_2y <= ctx.year.idle_amount)
        .order_by(ages.c.code)
    )


def _idle_reason(as_of, years: int, idle) -> str:
    """The age in words: what arrived by the cut and is still there (FIFO)."""
    return (f"截至 {as_of} 结存{years}年以上 {money(idle)} 元"
            f"({years_before(as_of, years)} 及以前到位的资金,先到先用,仍未支出或收回)")


def describe_idle_over_two_years(r, as_of, ctx) -> Alert:
    reason = f"{_idle_reason(as_of, 2, r.idle_2y)};结存1年以上共 {money(r.idle_1y)} 元"
    return alert("idle_over_two_years", reason, source_code=r.code,
                 source_name=r.name, amount=r.idle_2y)


def describe_idle_over_one_year(r, as_of, ctx) -> Alert:
    return alert("idle_over_one_year", _idle_reason(as_of, 1, r.idle_1y), source_code=r.code,
                 source_name=r.name, amount=r.idle_1y)


def leftover_not_reduced(as_of, filt, ctx):
    """Yellow, 报账后结余未调减: 报账 done as of D MORE than N days before D
    (leftover_days: D − 报账 date > N) and the project still holds unspent allocation
    as of D (Σ allocations − Σ payments and reversals > 0, every channel), which a
    reduction (调减, the 项目结余 page) would return to its channels."""
    n = ctx.year.leftover_days
    alloc = q.allocated(as_of, filt, Allocation.project_id)
    paid = q.spent(as_of, filt, Disbursement.project_id)
    spent = type_coerce(func.coalesce(paid.c.spent, 0), Numeric())
    allocated = type_coerce(alloc.c.allocated, Numeric())
    settled = aliased(Milestone)
    return (
        select(*project_head(), settled.done_on, alloc.c.allocated, paid.c.spent)
        .join(Unit, Unit.id == Project.unit_id)
        .join(alloc, alloc.c.project_id == Project.id)
        .outerjoin(paid, paid.c.project_id == Project.id)
        .join(settled, and_(settled.project_id == Project.id, settled.kind == K.SETTLED))
        .where(settled.is_done(as_of), settled.done_on < ago(as_of, n),
               allocated > spent, *filt.project_conditions(as_of))
        .order_by(Project.code)
    )


def describe_leftover_not_reduced(r, as_of, ctx) -> Alert:
    spent = r.spent or ZERO
    days = (as_of - r.done_on).days
    left = r.allocated - spent
    return project_alert("leftover_not_reduced", r, (
        f"已于 {r.done_on} 报账,安排资金 {money(r.allocated)} 元,已支出 {money(spent)} 元,"
        f"结余 {money(left)} 元已 {days} 天未调减(超过 {ctx.year.leftover_days} 天)"),
        amount=left, days=days)
