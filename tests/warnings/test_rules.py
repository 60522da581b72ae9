"""Each warning rule on a hand-made case at its boundary: the day before, the day of and
the day after (or just below, at and above a threshold)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.enums import PaymentKind, ProjectStatus
from fundtrack.extensions import db
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.milestones.models import Milestone
from fundtrack.rectification import service as rect
from fundtrack.rectification.models import FindingSource
from fundtrack.settings.service import set_warning_thresholds
from fundtrack.warnings import Level, all_warnings, counts
from fundtrack.warnings.rules import rule_counts
from tests import factories as f
from tests.factories import day

#: Small thresholds, set through the settings service, so the boundaries are short.
THRESHOLDS = dict(overdue_days=10, due_soon_days=7, completed_spending_rate="60",
                  idle_days=90, start_after_allocation_days=60,
                  settle_after_completion_days=60)


@pytest.fixture
def county(app):
    with app.app_context(), unit_of_work("测试"):
        set_warning_thresholds(THRESHOLDS)
    return app


def build(app, fn):
    with app.app_context(), unit_of_work("县财政局"):
        fn()


def found(app, as_of: str, rule: str, filt=None) -> dict:
    """Rule's warnings as of a date: the thing each names → the warning.

    Each boundary is also held to the dashboard's count: the rule's statement counted
    by the database gives as many warnings as the list."""
    with app.app_context():
        alerts = all_warnings(day(as_of), filt)
        counted = rule_counts(day(as_of), filt)
    out = {}
    for a in alerts:
        if a.rule == rule:
            key = a.finding_id if a.finding_id is not None else a.project_code
            out[key or a.source_code] = a
    assert counted[rule] == sum(a.rule == rule for a in alerts), (rule, as_of)
    return out


def plus(text: str, days: int) -> str:
    return (day(text) + dt.timedelta(days=days)).isoformat()


def funded_project(code, investment="50000.00", src=None, amount="50000.00", on=None):
    src = src or f.source(f"S{code}", "1000000.00")
    f.arrive(src, "1000000.00", "2024-01-01")
    p = f.project(code, investment)
    f.allocate(p, src, amount, on)
    return p, src


def test_milestone_overdue_more_than_n_days_is_red(county):
    def data():
        p = f.project("XM001")
        f.milestone(p, K.STARTED, planned="2024-03-01")
        q = f.project("XM002")
        f.milestone(q, K.STARTED, planned="2024-03-01", done="2024-03-11")
    build(county, data)
    assert found(county, "2024-03-10", "milestone_overdue") == {}   # 9 days
    assert found(county, "2024-03-11", "milestone_overdue") == {}   # 10 days: not more
    late = found(county, "2024-03-12", "milestone_overdue")          # 11 days
    assert list(late) == ["XM001"]
    assert late["XM001"].level == Level.RED and late["XM001"].days == 11
    reason = late["XM001"].reason
    assert "「开工」计划 2024-03-01" in reason and "逾期 11 天" in reason
    # done after D: still overdue as of D
    assert list(found(county, "2024-03-12", "milestone_overdue",
                      LedgerFilter(project_code="XM001"))) == ["XM001"]


def test_completion_date_passed_without_completion_is_red(county):
    def data():
        p = f.project("XM001")
        f.milestone(p, K.COMPLETED, planned="2024-05-01")
        q = f.project("XM002")
        f.milestone(q, K.COMPLETED, planned="2024-05-01", done="2024-05-02")
    build(county, data)
    assert found(county, "2024-04-30", "completion_overdue") == {}
    assert found(county, "2024-05-01", "completion_overdue") == {}  # planned for D: not late
    late = found(county, "2024-05-02", "completion_overdue")
    assert list(late) == ["XM001"] and late["XM001"].days == 1
    # 完工 has its own rule: never also a milestone_overdue warning
    assert found(county, "2024-06-30", "milestone_overdue") == {}
    assert list(found(county, "2024-06-30", "completion_overdue")) == ["XM001"]


def test_milestone_due_within_n_days_is_blue(county):
    def data():
        p = f.project("XM001")
        f.milestone(p, K.STARTED, planned="2024-05-10")
    build(county, data)
    assert found(county, "2024-05-02", "due_soon") == {}          # 8 days ahead
    soon = found(county, "2024-05-03", "due_soon")                # 7 days ahead
    assert list(soon) == ["XM001"] and soon["XM001"].level == Level.BLUE
    assert soon["XM001"].days == 7
    assert list(found(county, "2024-05-04", "due_soon")) == ["XM001"]
    assert "今天到期" in found(county, "2024-05-10", "due_soon")["XM001"].reason
    assert found(county, "2024-05-11", "due_soon") == {}          # late now, not due


def test_spending_below_the_rate_after_completion_is_yellow(county):
    def data():
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "1000000.00", "2024-01-01")
        for code, spent in (("XM001", "59994.99"), ("XM002", "59995.00"),
                            ("XM003", "60000.00")):
            p = f.project(code, "100000.00")
            f.allocate(p, src, "100000.00")
            f.pay(f"P{code}", p, src, spent, "2024-02-01")
            f.milestone(p, K.COMPLETED, planned="2024-05-01", done="2024-05-01")
    build(county, data)
    assert found(county, "2024-04-30", "low_spending_after_completion") == {}  # not completed
    low = found(county, "2024-05-01", "low_spending_after_completion")
    # 59994.99 / 100000 = 59.99% < 60%; 59995.00 rounds half up to 60.00%, not below
    assert list(low) == ["XM001"]
    assert low["XM001"].level == Level.YELLOW
    assert "支出率 59.99%,低于 60.00%" in low["XM001"].reason
    assert low["XM001"].amount == Decimal("40005.01")
    assert list(found(county, "2024-05-02", "low_spending_after_completion")) == ["XM001"]


def test_idle_arrived_money_more_than_n_days_is_yellow(county):
    def data():
        f.arrive(f.source("ZY01", "100000.00"), "100000.00", "2024-01-01")  # never paid
        src = f.source("ZY02", "100000.00")
        f.arrive(src, "100000.00", "2024-01-01")
        p = f.project("XM001")
        f.allocate(p, src, "50000.00")
        first = f.pay("P1", p, src, "10000.00", "2024-02-01")
        f.reverse("P1R", first, "-1000.00", "2024-04-01")  # a reversal is no payment
        done = f.source("ZY03", "100000.00")  # spent in full: nothing sits
        f.arrive(done, "10000.00", "2024-01-01")
        f.allocate(p, done, "10000.00")
        f.pay("P2", p, done, "10000.00", "2024-01-02")
    build(county, data)
    # ZY01: since its first arrival 2024-01-01; day 90 is 2024-03-31
    assert "ZY01" not in found(county, "2024-03-30", "idle_funds")
    assert "ZY01" not in found(county, "2024-03-31", "idle_funds")
    idle = found(county, "2024-04-01", "idle_funds")
    assert "ZY01" in idle and idle["ZY01"].days == 91
    assert idle["ZY01"].amount == Decimal("100000.00")
    assert "首笔资金 2024-01-01 到位后未支付" in idle["ZY01"].reason
    # ZY02: since its latest payment 2024-02-01; day 90 is 2024-05-01
    assert "ZY02" not in found(county, "2024-04-30", "idle_funds")
    assert "ZY02" not in found(county, "2024-05-01", "idle_funds")
    idle = found(county, "2024-05-02", "idle_funds")
    assert idle["ZY02"].amount == Decimal("91000.00")
    assert "最近一次支付在 2024-02-01" in idle["ZY02"].reason
    assert "ZY03" not in idle
    assert idle["ZY02"].link == ("funds.source", {"code": "ZY02"})


def test_payment_before_tendering_above_the_threshold_is_red(county):
    def data():
        src = f.source("ZY01", "10000000.00")
        f.arrive(src, "10000000.00", "2024-01-01")
        for code, investment, tendered in (
            ("XM001", "200000.00", "2024-03-09"), ("XM002", "200000.00", "2024-03-10"),
            ("XM003", "200000.00", "2024-03-11"), ("XM004", "100000.00", None),
            ("XM005", "100000.01", None),
        ):
            p = f.project(code, investment)
            f.allocate(p, src, "100000.00")
            if tendered:
                f.milestone(p, K.TENDERED, done=tendered)
            f.pay(f"P{code}", p, src, "10000.00", "2024-03-10", kind=PaymentKind.ADVANCE)
    build(county, data)
    assert found(county, "2024-03-09", "paid_before_tendering") == {}  # nothing paid yet
    red = found(county, "2024-03-31", "paid_before_tendering")
    # tendered the day before or the day of the payment: fine; the day after: red;
    # investment equal to the threshold (100000) need not be tendered, a fen above must
    assert sorted(red) == ["XM003", "XM005"]
    assert red["XM003"].level == Level.RED
    assert "2024-03-11 才完成招标" in red["XM003"].reason
    assert "已支付 1 笔共 10,000.00 元" in red["XM005"].reason
    assert "截至 2024-03-31 未完成招标" in red["XM005"].reason


def test_allocated_but_not_started_after_n_days_is_yellow(county):
    def data():
        p, src = funded_project("XM001", on="2024-01-01")
        q = f.project("XM002")
        f.allocate(q, src, "1000.00", "2024-01-01")
        f.milestone(q, K.STARTED, done="2024-03-02")
        r = f.project("XM003")
        f.allocate(r, src, "1000.00")  # no date: says nothing about when
    build(county, data)
    # 2024-01-01 + 60 days = 2024-03-01 (a leap year)
    assert found(county, "2024-02-29", "allocated_not_started") == {}
    assert found(county, "2024-03-01", "allocated_not_started") == {}
    late = found(county, "2024-03-02", "allocated_not_started")
    assert list(late) == ["XM001"] and late["XM001"].days == 61
    assert "2024-01-01 起安排资金" in late["XM001"].reason


def test_completed_not_settled_after_n_days_is_yellow(county):
    def data():
        for code, settled in (("XM001", None), ("XM002", "2024-07-01")):
            p = f.project(code)
            f.milestone(p, K.COMPLETED, done="2024-05-01")
            if settled:
                f.milestone(p, K.SETTLED, done=settled)
    build(county, data)
    assert found(county, "2024-06-29", "completed_not_settled") == {}
    assert found(county, "2024-06-30", "completed_not_settled") == {}  # day 60
    late = found(county, "2024-07-01", "completed_not_settled")
    assert list(late) == ["XM001"] and late["XM001"].days == 61
    assert list(found(county, "2024-06-30", "completed_not_settled",
                      LedgerFilter(unit="县交通运输局"))) == []


def test_settlement_without_acceptance_is_red(county):
    def data():
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "1000000.00", "2024-01-01")
        for code in ("XM001", "XM002", "XM003"):
            p = f.project(code)
            f.allocate(p, src, "10000.00")
            f.milestone(p, K.ACCEPTED, done="2024-05-01")
            f.pay(f"P{code}", p, src, "10000.00", "2024-05-10", kind=PaymentKind.SETTLEMENT)
    build(county, data)
    # the rules refuse moving 验收 after a settlement; an import or a repair can do it
    with county.app_context():
        from fundtrack.projects.models import Project
        for code, accepted in (("XM001", "2024-05-09"), ("XM002", "2024-05-10"),
                               ("XM003", "2024-05-11")):
            pid = db.session.scalar(db.select(Project.id).where(Project.code == code))
            db.session.execute(update(Milestone).where(
                Milestone.project_id == pid, Milestone.kind == K.ACCEPTED)
                .values(done_on=day(accepted)))
        db.session.commit()
    assert found(county, "2024-05-09", "settlement_without_acceptance") == {}  # not paid yet
    red = found(county, "2024-05-10", "settlement_without_acceptance")
    assert list(red) == ["XM003"]
    assert "截至 2024-05-10 未验收" in red["XM003"].reason
    assert "验收 2024-05-11 才完成" in \
        found(county, "2024-05-11", "settlement_without_acceptance")["XM003"].reason


def test_open_finding_past_its_deadline_is_red(county):
    ids = {}

    def data():
        f.project("XM001")
        ids["open"] = rect.record_finding(
            source=FindingSource.AUDIT, description="资金拨付不及时", project_code="XM001",
            found_on=day("2024-06-01"), deadline=day("2024-06-10")).id
        late = rect.record_finding(
            source=FindingSource.INSPECTION, description="公示不全", unit_name="县交通运输局",
            found_on=day("2024-06-01"), deadline=day("2024-06-10"))
        rect.close(late, done_on=day("2024-06-15"), note="已补充公示,附照片")
        ids["closed"] = late.id
    build(county, data)
    assert found(county, "2024-06-09", "finding_overdue") == {}
    assert found(county, "2024-06-10", "finding_overdue") == {}  # the deadline day itself
    red = found(county, "2024-06-11", "finding_overdue")
    assert set(red) == {ids["open"], ids["closed"]}
    assert red[ids["open"]].days == 1
    assert "审计发现问题「资金拨付不及时」" in red[ids["open"]].reason
    assert red[ids["open"]].link == ("rectification.detail", {"finding_id": ids["open"]})
    # done on 06-15: no longer overdue from that day
    assert set(found(county, "2024-06-15", "finding_overdue")) == {ids["open"]}
    # the unit filter keeps the unit's findings; a township filter keeps project ones
    assert set(found(county, "2024-06-11", "finding_overdue",
                     LedgerFilter(unit="县水利局"))) == set()
    assert set(found(county, "2024-06-11", "finding_overdue",
                     LedgerFilter(township="城关镇"))) == {ids["open"]}


def with_target(project) -> None:
    """A performance target, so that 实施项目无绩效目标 (undated) stays out of a count."""
    from fundtrack.performance.service import add_target

    add_target(project, category="产出", name="道路长度", measure="公里", target="3")


def test_a_project_in_implementation_without_targets(county):
    def data():
        f.project("XM001")
        f.project("XM002")
        with_target(f.project("XM003"))
        p = f.project("XM004")
        p.status = ProjectStatus.PLANNED
    build(county, data)
    got = {code: a.reason for code, a in found(county, "2024-06-01", "without_targets").items()}
    assert got == {"XM001": "项目正在实施,尚未填写绩效目标",
                   "XM002": "项目正在实施,尚未填写绩效目标"}


def test_the_first_and_last_dates_there_are_give_warnings_not_errors(county):
    """Thresholds reach back or ahead N days from D; from year 1 or to year 9999 that
    falls outside the calendar: nothing is that old, everything is due."""
    def data():
        p = f.project("XM001")
        f.milestone(p, K.STARTED, planned="2024-03-01")
        with_target(p)
    build(county, data)
    assert found(county, dt.date.min.isoformat(), "milestone_overdue") == {}
    assert list(found(county, dt.date.max.isoformat(), "milestone_overdue")) == ["XM001"]
    near_the_end = dt.date.max - dt.timedelta(days=3)  # D + N is past the calendar
    assert found(county, near_the_end.isoformat(), "due_soon") == {}
    with county.app_context():
        assert counts.uncached(dt.date.min) == dict.fromkeys(Level, 0)
        assert counts.uncached(dt.date.max)[Level.RED] == 1


def test_counts_are_the_rules_counted(county):
    def data():
        p = f.project("XM001")
        f.milestone(p, K.STARTED, planned="2024-03-01")
        f.milestone(p, K.COMPLETED, planned="2024-06-05")
        with_target(p)
    build(county, data)
    with county.app_context():
        got = counts(day("2024-06-01"))
        alerts = all_warnings(day("2024-06-01"))
    assert got == {Level.RED: 1, Level.YELLOW: 0, Level.BLUE: 1}
    assert got[Level.RED] == sum(a.level == Level.RED for a in alerts)
