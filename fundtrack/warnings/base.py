"""What every warning rule shares: the levels, a warning row, the thresholds in force,
the rules' names and levels, and small query helpers.

A threshold N is "more than N": the day N itself does not warn, day N + 1 does. "Done as
of D" and "overdue" are those of DOMAIN.md (Milestone.is_done / is_overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from ..enums import LabelledEnum
from ..extensions import db
from ..ledger.filters import LedgerFilter
from ..milestones.models import Milestone
from ..projects.models import Project, Unit
from ..settings.service import DEFAULT_CHECKLIST, WarningThresholds, YearThresholds


class Level(LabelledEnum):
    """预警等级, most urgent first (the code orders them)."""

    RED = ("red", "红色")
    YELLOW = ("yellow", "黄色")
    BLUE = ("blue", "蓝色")


@dataclass
class Alert:
    """One warning: its level and rule, what it is about, why (with the numbers)."""

    level: Level
    rule: str
    rule_label: str
    reason: str
    project_code: str | None = None
    project_name: str | None = None
    unit: str | None = None
    source_code: str | None = None
    source_name: str | None = None
    finding_id: int | None = None
    #: The rule's figure in days (overdue, idle, left...), for sorting.
    days: int | None = None
    #: The amount behind the warning (paid, unspent...), yuan.
    amount: Decimal | None = None
    #: The payment a warning is about (要件不全): its page is the link.
    voucher_no: str | None = None

    @property
    def link(self) -> tuple[str, dict]:
        """(endpoint, arguments) of the page to open: the finding, channel or project."""
        if self.finding_id is not None:
            return "rectification.detail", {"finding_id": self.finding_id}
        if self.voucher_no is not None:
            return "attachments.payment", {"voucher_no": self.voucher_no}
        if self.source_code is not None and self.project_code is None:
            return "funds.source", {"code": self.source_code}
        return "projects.detail", {"code": self.project_code}


@dataclass(frozen=True)
class Context:
    thresholds: WarningThresholds
    tender_threshold: Decimal
    #: The year's thresholds (结存, 报账后结余未调减): settings/year_thresholds.py.
    year: YearThresholds = YearThresholds()
    #: Payment kind → the document kinds it needs (要件清单): settings/checklist.py.
    checklist: dict = field(default_factory=lambda: dict(DEFAULT_CHECKLIST))


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    level: Level
    #: The rule: one statement, one row per warning (its docstring holds the boundary).
    query: Callable[[dt.date, LedgerFilter, Context], Select]
    #: One row of that statement → the warning, its reason in words with the numbers.
    describe: Callable[[Any, dt.date, Context], Alert]

    def run(self, as_of: dt.date, filt: LedgerFilter, ctx: Context) -> list[Alert]:
        rows = db.session.execute(self.query(as_of, filt, ctx))
        return [self.describe(r, as_of, ctx) for r in rows]

    def count(self, as_of: dt.date, filt: LedgerFilter, ctx: Context):
        """The rule's warnings counted by the database: the same statement, as a scalar
        subquery (no row fetched, no reason written)."""
        rows = self.query(as_of, filt, ctx).order_by(None).subquery()
        return select(func.count()).select_from(rows).scalar_subquery()


def ago(as_of: dt.date, days: int) -> dt.date:
    """D − days; the first date there is when that falls before it (an as-of date in
    year 1 is nonsense, but asked for it a rule finds nothing rather than failing)."""
    try:
        return as_of - dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min


def ahead(as_of: dt.date, days: int) -> dt.date:
    """D + days; the last date there is when that falls after it."""
    try:
        return as_of + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def project_head():
    return Project.code, Project.name, Unit.name.label("unit")


#: Every rule: code → (Chinese name, level), in the order the page explains them.
SPECS: dict[str, tuple[str, Level]] = {
    "milestone_overdue": ("节点逾期", Level.RED),
    "completion_overdue": ("超期未完工", Level.RED),
    "paid_before_tendering": ("未招标先支付", Level.RED),
    "settlement_without_acceptance": ("未验收先结算", Level.RED),
    "finding_overdue": ("整改逾期", Level.RED),
    "direct_award_above_threshold": ("应招标未招标", Level.RED),
    "idle_over_two_years": ("结存2年以上", Level.RED),
    "baseline_overdue": ("按基准计划逾期", Level.YELLOW),
    "low_spending_after_completion": ("完工支出滞后", Level.YELLOW),
    "idle_funds": ("资金沉淀", Level.YELLOW),
    "allocated_not_started": ("资金安排后未开工", Level.YELLOW),
    "completed_not_settled": ("完工未报账", Level.YELLOW),
    "paid_beyond_contracts": ("支付超合同", Level.YELLOW),
    "retention_paid_early": ("质保金提前支付", Level.YELLOW),
    "idle_over_one_year": ("结存1年以上", Level.YELLOW),
    "leftover_not_reduced": ("报账后结余未调减", Level.YELLOW),
    "documents_missing": ("要件不全", Level.YELLOW),
    "not_handed_over": ("报账后未移交", Level.YELLOW),
    "due_soon": ("节点临近", Level.BLUE),
    "retention_due": ("质保金到期", Level.BLUE),
    "without_targets": ("实施项目无绩效目标", Level.BLUE),
}


def baseline_note(r, as_of: dt.date) -> str:
    """What the baseline (基准计划) says of a milestone whose plan was moved: "" when it
    has none or it equals the current plan."""
    if r.baseline_on is None or r.baseline_on == r.planned_on:
        return ""
    if r.baseline_on < as_of:
        return f";基准计划 {r.baseline_on},按基准计划逾期 {(as_of - r.baseline_on).days} 天"
    return f";基准计划 {r.baseline_on}"


def alert(rule: str, reason: str, **kw) -> Alert:
    label, level = SPECS[rule]
    return Alert(level, rule, label, reason, **kw)


def project_alert(rule: str, r, reason: str, **kw) -> Alert:
    """A warning about the project of row ``r`` (columns code, name, unit)."""
    return alert(rule, reason, project_code=r.code, project_name=r.name, unit=r.unit, **kw)


def milestones(as_of: dt.date, filt: LedgerFilter, *where) -> Select:
    """The milestones matching ``where`` among the filter's projects, with their project."""
    return (
        select(*project_head(), Milestone.kind, Milestone.planned_on, Milestone.baseline_on)
        .join(Project, Project.id == Milestone.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(*where, *filt.project_conditions(as_of))
        .order_by(Project.code, Milestone.kind)
    )


