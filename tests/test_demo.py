"""`fundtrack demo`: a realistic county a new user can explore, loaded through the rules."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from random import Random

from sqlalchemy import func, select

from fundtrack.demo import data
from fundtrack.demo.findings import plan_findings
from fundtrack.demo.plan import build_plan
from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from fundtrack.history.models import Change
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.milestones.models import Milestone
from fundtrack.projects.models import Project, Unit
from fundtrack.rectification.models import Finding, FindingSource, FindingStatus, NoteKind
from fundtrack.warnings.rules import all_warnings, rule_counts
from tests.conftest import login

#: The day a new user looks at the demo.
LOOKED_AT = dt.date(2026, 11, 23)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _pair_sums(model) -> dict[tuple[int, int], object]:
    rows = db.session.execute(
        select(model.project_id, model.source_id, func.sum(model.amount))
        .group_by(model.project_id, model.source_id)
    )
    return {(p, s): amount for p, s, amount in rows}


def _check_projects_and_channels() -> None:
    assert _count(Project) >= 250
    assert db.session.scalar(select(func.count(func.distinct(Project.township)))) >= 6
    assert _count(FundSource) >= 6
    priority = db.session.scalar(select(func.count()).where(Project.priority.is_(True)))
    assert 0.3 * _count(Project) <= priority <= 0.5 * _count(Project)
    for phone in db.session.scalars(select(Project.phone)):
        assert isinstance(phone, str) and phone[0] in "01"


def _check_milestones() -> None:
    overdue = db.session.scalar(
        select(func.count()).where(
            Milestone.planned_on < LOOKED_AT,
            Milestone.done_on.is_(None) | (Milestone.done_on > LOOKED_AT),
        )
    )
    assert overdue > 0
    done: dict[int, list[tuple[MilestoneKind, dt.date]]] = defaultdict(list)
    for project_id, kind, done_on in db.session.execute(
        select(Milestone.project_id, Milestone.kind, Milestone.done_on)
        .where(Milestone.done_on.is_not(None))
        .order_by(Milestone.project_id, Milestone.kind)
    ):
        done[project_id].append((kind, done_on))
    for dates in done.values():  # actual dates never go backwards along the fixed order
        assert [d for _, d in dates] == sorted(d for _, d in dates)
    furthest = {dates[-1][0] for dates in done.values()}
    assert {MilestoneKind.APPROVED, MilestoneKind.STARTED, MilestoneKind.ACCEPTED,
            MilestoneKind.SETTLED} <= furthest


def _check_money() -> None:
    kinds = set(db.session.scalars(select(Disbursement.kind).distinct()))
    assert set(PaymentKind) <= kinds
    reversals = db.session.scalars(
        select(Disbursement).where(Disbursement.kind == PaymentKind.REVERSAL)
    ).all()
    assert reversals and all(r.reverses_id and r.memo for r in reversals)

    accepted_on = select(Milestone.done_on).where(
        Milestone.project_id == Disbursement.project_id,
        Milestone.kind == MilestoneKind.ACCEPTED,
    ).scalar_subquery()
    settlements = db.session.execute(
        select(Disbursement.paid_on, accepted_on).where(
            Disbursement.kind == PaymentKind.SETTLEMENT
        )
    ).all()
    assert settlements
    assert all(accepted is not None and accepted <= paid for paid, accepted in settlements)

    allocated, spent = _pair_sums(Allocation), _pair_sums(Disbursement)
    assert spent.keys() <= allocated.keys()
    assert all(spent[pair] <= allocated[pair] for pair in spent)
    assert db.session.scalar(select(func.count()).where(Allocation.amount < 0)) >= 1
    for source in db.session.scalars(select(FundSource)):
        rows = db.session.execute(
            select(Allocation.amount).where(Allocation.source_id == source.id)
        ).scalars()
        assert sum(rows) <= source.amount_issued


def _check_cash_never_runs_ahead() -> None:
    events: dict[int, list[tuple[dt.date, int, object]]] = defaultdict(list)
    for source_id, on, amount in db.session.execute(
        select(FundArrival.source_id, FundArrival.arrived_on, FundArrival.amount)
    ):
        events[source_id].append((on, 0, amount))
    for source_id, on, amount in db.session.execute(
        select(Disbursement.source_id, Disbursement.paid_on, Disbursement.amount)
    ):
        events[source_id].append((on, 1, -amount))
    for rows in events.values():
        balance = 0
        for _, _, amount in sorted(rows):
            balance += amount
            assert balance >= 0
    nothing_arrived = db.session.scalar(
        select(func.count()).select_from(FundSource).where(
            ~select(FundArrival.id).where(FundArrival.source_id == FundSource.id).exists()
        )
    )
    assert nothing_arrived >= 1


def _check_findings() -> None:
    """整改: findings of audits and inspections in the reports' words, some rectified with
    evidence, one or two open past their deadline (整改逾期 on the warnings page), one open
    and not yet due."""
    findings = db.session.scalars(select(Finding).order_by(Finding.id)).all()
    assert len(findings) >= 5
    assert {FindingSource.AUDIT, FindingSource.INSPECTION} <= {f.source for f in findings}
    for words in ("资金闲置", "项目进度滞后", "报账不及时"):
        assert any(words in f.description for f in findings), words
    done = [f for f in findings if f.status == FindingStatus.DONE]
    assert len(done) >= 2
    for f in done:
        kinds = [n.kind for n in f.notes]
        assert NoteKind.EVIDENCE in kinds and kinds[-1] == NoteKind.CLOSE
        assert f.found_on <= f.done_on <= data.DEMO_TODAY
        assert all(n.written_on <= data.DEMO_TODAY for n in f.notes)
    late = [f for f in findings if f.status == FindingStatus.OPEN and f.deadline < LOOKED_AT]
    assert 1 <= len(late) <= 2
    assert any(f.status == FindingStatus.OPEN and f.deadline > LOOKED_AT for f in findings)
    alerts = [a for a in all_warnings(LOOKED_AT) if a.rule == "finding_overdue"]
    assert sorted(a.finding_id for a in alerts) == [f.id for f in late]
    assert all(a.rule_label == "整改逾期" for a in alerts)
    for f in late:  # what the finding says still holds: the milestone is not done
        if "项目进度滞后" in f.description:
            label = f.description.split("「")[1].split("」")[0]
            kind = MilestoneKind.from_text(label)
            assert db.session.scalar(select(Milestone.done_on).where(
                Milestone.project_id == f.project_id, Milestone.kind == kind)) is None


def _check_warning_counts() -> None:
    """The dashboard's counts (each rule's statement counted by the database) are the
    warnings the list shows, rule by rule, over the year and under the filters."""
    township, unit = db.session.execute(
        select(Project.township, Project.unit_id).order_by(Project.code)).first()
    unit_name = db.session.get(Unit, unit).name
    seen = set()
    for as_of in (dt.date(2025, 3, 31), dt.date(2026, 6, 30), LOOKED_AT):
        for filt in (LedgerFilter(), LedgerFilter(township=township),
                     LedgerFilter(unit=unit_name), LedgerFilter(year=as_of.year)):
            alerts = all_warnings(as_of, filt)
            listed = {code: 0 for code in rule_counts(as_of, filt)}
            for a in alerts:
                listed[a.rule] += 1
            assert rule_counts(as_of, filt) == listed, (as_of, filt)
            seen |= {code for code, n in listed.items() if n}
    assert len(seen) >= 6  # the demo county shows most kinds of warning


def test_demo_loads_a_county_a_new_user_can_explore(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "已载入示范县演示数据" in result.output
    # README's "run it" ends with a way in: an admin whose password is printed once
    username = re.search(r"用户名:(\S+)", result.output).group(1)
    password = re.search(r"密码:(\S+)", result.output).group(1)
    assert username == "admin"
    assert login(app.test_client(), username, password).status_code == 302

    with app.app_context():
        _check_projects_and_channels()
        _check_milestones()
        _check_money()
        _check_cash_never_runs_ahead()
        _check_findings()
        _check_warning_counts()
        changes = _count(Change)
        assert changes >= _count(Project) + _count(Disbursement) + _count(Milestone)
        before = {m: _count(m) for m in (Project, FundSource, Disbursement, Milestone)}
        db.session.remove()

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    assert "数据库不是空的" in again.output
    assert password not in again.output

    with app.app_context():
        assert {m: _count(m) for m in before} == before
        assert _count(Change) == changes


def test_the_demo_plan_is_the_same_every_time():
    def fingerprint(plan):
        return (
            [(p.code, p.name, p.total_investment, p.phone, p.stage,
              [(m.kind, m.planned_on, m.done_on, m.note) for m in p.milestones.values()],
              [(a.source_code, a.amount, a.allocated_on) for a in p.allocations])
             for p in plan.projects],
            [(x.voucher_no, x.project.code, x.source_code, x.paid_on, x.amount, x.kind)
             for x in plan.payments],
        )

    first, second = build_plan(Random(data.SEED)), build_plan(Random(data.SEED))
    assert fingerprint(first) == fingerprint(second)
    assert plan_findings(first) == plan_findings(second)
    assert all(x.paid_on <= data.DEMO_TODAY for x in first.payments)
    # invariant 8: no actual date after the demo's today (itself not after the real one)
    assert all(m.done_on is None or m.done_on <= data.DEMO_TODAY
               for p in first.projects for m in p.milestones.values())
    assert any(m.planned_on > data.DEMO_TODAY
               for p in first.projects for m in p.milestones.values())
    assert len({x.voucher_no for x in first.payments}) == len(first.payments)
