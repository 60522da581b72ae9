"""The warning rules (预警规则), as of a date D, one function per rule.

Each rule is ONE SQL statement whatever the number of projects, scoped by the ledger's
LedgerFilter (township, unit, year...) and built from the ledger's subqueries; each
function's docstring defines its boundary exactly. The thresholds are settings
(settings.service.get_warning_thresholds).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..extensions import db
from ..ledger.filters import LedgerFilter
from ..settings.service import (
    get_checklist,
    get_warning_thresholds,
    get_year_thresholds,
    tender_threshold,
)
from . import carryover, contracts, documents, findings, funding, registry, schedule
from .base import SPECS, Alert, Context, Level, Rule

#: Each rule: its statement (the function named after it) and the function writing a
#: row of it as a warning.
_DEFINED = {
    "milestone_overdue": (schedule.milestone_overdue, schedule.describe_milestone_overdue),
    "completion_overdue": (schedule.completion_overdue, schedule.describe_completion_overdue),
    "due_soon": (schedule.due_soon, schedule.describe_due_soon),
    "baseline_overdue": (schedule.baseline_overdue, schedule.describe_baseline_overdue),
    "low_spending_after_completion": (
        funding.low_spending_after_completion, funding.describe_low_spending_after_completion),
    "idle_funds": (funding.idle_funds, funding.describe_idle_funds),
    "paid_before_tendering": (
        funding.paid_before_tendering, funding.describe_paid_before_tendering),
    "allocated_not_started": (
        funding.allocated_not_started, funding.describe_allocated_not_started),
    "completed_not_settled": (
        funding.completed_not_settled, funding.describe_completed_not_settled),
    "settlement_without_acceptance": (
        funding.settlement_without_acceptance, funding.describe_settlement_without_acceptance),
    "finding_overdue": (findings.finding_overdue, findings.describe_finding_overdue),
    "paid_beyond_contracts": (
        contracts.paid_beyond_contracts, contracts.describe_paid_beyond_contracts),
    "retention_paid_early": (
        contracts.retention_paid_early, contracts.describe_retention_paid_early),
    "retention_due": (contracts.retention_due, contracts.describe_retention_due),
    "direct_award_above_threshold": (
        contracts.direct_award_above_threshold,
        contracts.describe_direct_award_above_threshold),
    "idle_over_two_years": (
        carryover.idle_over_two_years, carryover.describe_idle_over_two_years),
    "idle_over_one_year": (
        carryover.idle_over_one_year, carryover.describe_idle_over_one_year),
    "leftover_not_reduced": (
        carryover.leftover_not_reduced, carryover.describe_leftover_not_reduced),
    "documents_missing": (documents.documents_missing, documents.describe_documents_missing),
    "without_targets": (registry.without_targets, registry.describe_without_targets),
    "not_handed_over": (registry.not_handed_over, registry.describe_not_handed_over),
}
RULES: tuple[Rule, ...] = tuple(
    Rule(code, label, level, *_DEFINED[code]) for code, (label, level) in SPECS.items())
BY_CODE = {r.code: r for r in RULES}

__all__ = ["BY_CODE", "RULES", "Alert", "Context", "Level", "Rule", "all_warnings",
           "context", "rule_counts"]


def context() -> Context:
    return Context(get_warning_thresholds(), tender_threshold(), get_year_thresholds(),
                   get_checklist())


def all_warnings(as_of: dt.date, filt: LedgerFilter | None = None) -> list[Alert]:
    """Every warning as of D: four statements for the settings, then one per rule."""
    filt = filt or LedgerFilter()
    ctx = context()
    out: list[Alert] = []
    for rule in RULES:
        out.extend(rule.run(as_of, filt, ctx))
    return out


def rule_counts(as_of: dt.date, filt: LedgerFilter | None = None) -> dict[str, int]:
    """How many warnings each rule gives as of D: four statements for the settings, then
    ONE statement counting every rule's (the same statements as all_warnings, counted
    by the database: the dashboard's block needs no reason written)."""
    filt = filt or LedgerFilter()
    ctx = context()
    row = db.session.execute(
        select(*(rule.count(as_of, filt, ctx).label(rule.code) for rule in RULES))).one()
    return dict(zip((rule.code for rule in RULES), row, strict=True))
