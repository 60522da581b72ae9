"""The contract rules (合同) at their boundaries, each held to the dashboard's count as
the other rules are (``found``): paid beyond the contracts, a 质保金 paid early, a
质保金 coming due, 直接委托 above the tendering threshold."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.enums import PaymentKind, TenderMethod
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.settings.service import set_warning_thresholds
from fundtrack.warnings import Level
from tests import factories as f
from tests.factories import D
from tests.warnings.test_rules import (
    THRESHOLDS,
    build,
    found,
    funded_project,
)


@pytest.fixture
def county(app):
    """As tests/warnings/test_rules.py's: its warning thresholds set."""
    with app.app_context(), unit_of_work("测试"):
        set_warning_thresholds(THRESHOLDS)
    return app


def test_paid_beyond_the_contracts_is_yellow(county):
    def data():
        p, src = funded_project("XM001", amount="50000.00")
        f.contract("HT1", p, "30000.00", "2024-03-01")
        f.contract("HT2", p, "10000.00", "2024-05-01")  # counts from its own date
        f.pay("P1", p, src, "30000.00", "2024-04-01")
        f.pay("P2", p, src, "0.01", "2024-04-02")
        f.pay("P3", p, src, "9999.99", "2024-06-01")
        q, qsrc = funded_project("XM002")  # no contract at all: not asked
        f.pay("Q1", q, qsrc, "100.00", "2024-04-01")
    build(county, data)
    assert found(county, "2024-04-01", "paid_beyond_contracts") == {}  # equal: fine
    got = found(county, "2024-04-02", "paid_beyond_contracts")
    assert set(got) == {"XM001"}
    a = got["XM001"]
    assert a.level == Level.YELLOW and a.rule_label == "支付超合同"
    assert a.amount == D("0.01")
    assert a.reason == ("截至 2024-04-02 合同金额合计 30,000.00 元,已支出 30,000.01 元,"
                        "超出合同 0.01 元")
    assert found(county, "2024-04-30", "paid_beyond_contracts")["XM001"].amount == D("0.01")
    assert found(county, "2024-05-01", "paid_beyond_contracts") == {}  # HT2 signed
    assert found(county, "2024-06-01", "paid_beyond_contracts") == {}  # 40000.00 = 40000.00


def test_a_reversal_brings_the_payments_back_within_the_contracts(county):
    def data():
        p, src = funded_project("XM001")
        f.contract("HT1", p, "1000.00")  # undated: counts at every date
        wrong = f.pay("P1", p, src, "1500.00", "2024-04-01")
        f.reverse("R1", wrong, "-500.00", "2024-04-03")
    build(county, data)
    assert set(found(county, "2024-04-02", "paid_beyond_contracts")) == {"XM001"}
    assert found(county, "2024-04-03", "paid_beyond_contracts") == {}


def test_retention_paid_before_its_date_is_yellow(county):
    def data():
        p, src = funded_project("XM001")
        f.milestone(p, K.ACCEPTED, done="2024-01-02")
        f.contract("HT1", p, "40000.00", "2024-01-01", rate="0.05", due="2024-06-10")
        f.contract("HT2", p, "5000.00", "2024-01-01", rate="0.05", due="2024-09-01")
        f.pay("P1", p, src, "1000.00", "2024-06-09", kind=PaymentKind.RETENTION)
        f.pay("P2", p, src, "1000.00", "2024-06-10", kind=PaymentKind.RETENTION)
        f.pay("P3", p, src, "1000.00", "2024-06-01", kind=PaymentKind.PROGRESS)
        q, qsrc = funded_project("XM002")  # a 质保金 with no contract date to hold it to
        f.pay("Q1", q, qsrc, "100.00", "2024-06-01", kind=PaymentKind.RETENTION)
    build(county, data)
    assert found(county, "2024-06-08", "retention_paid_early") == {}  # not yet paid
    got = found(county, "2024-06-30", "retention_paid_early")
    assert set(got) == {"XM001"}
    a = got["XM001"]
    assert a.level == Level.YELLOW and a.days == 1 and a.amount == D("1000.00")
    assert a.reason == ("质保金 P1 于 2024-06-09 支付 1,000.00 元,"
                        "合同质保期 2024-06-10 才满(提前 1 天)")


def test_one_warning_per_early_retention_payment(county):
    def data():
        p, src = funded_project("XM001")
        f.contract("HT1", p, "40000.00", "2024-01-01", rate="0.05", due="2024-06-10")
        f.pay("P1", p, src, "500.00", "2024-05-01", kind=PaymentKind.RETENTION)
        f.pay("P2", p, src, "500.00", "2024-05-02", kind=PaymentKind.RETENTION)
    build(county, data)
    with county.app_context():
        from fundtrack.warnings import all_warnings
        from fundtrack.warnings.rules import rule_counts

        alerts = [a for a in all_warnings(f.day("2024-06-30"))
                  if a.rule == "retention_paid_early"]
        assert [a.reason.split(" ")[1] for a in alerts] == ["P1", "P2"]
        assert rule_counts(f.day("2024-06-30"))["retention_paid_early"] == 2


def test_retention_due_within_n_days_is_blue(county):
    """N = 7 (the 节点临近 window): due today and in 7 days warn, in 8 days not yet."""
    def data():
        p = f.project("XM001")
        f.contract("HT1", p, "40000.00", "2024-01-01", rate="0.03", due="2024-06-10")
        q = f.project("XM002")
        f.contract("HT2", q, "40000.00", "2024-01-01", rate="0", due="2024-06-10")  # none
        r = f.project("XM003")
        f.contract("HT3", r, "40000.00", "2024-06-05", rate="0.03", due="2024-06-10")
    build(county, data)
    assert found(county, "2024-06-02", "retention_due") == {}  # 8 days ahead
    got = found(county, "2024-06-03", "retention_due")  # 7 days ahead; HT3 not signed yet
    assert set(got) == {"XM001"}
    a = got["XM001"]
    assert a.level == Level.BLUE and a.rule_label == "质保金到期" and a.days == 7
    assert a.amount == D("1200.00")
    assert a.reason == ("合同 HT1 质保金 1,200.00 元(3.00%)质保期 2024-06-10 满,还有 7 天期满"
                        "(提前 7 天提示)")
    assert set(found(county, "2024-06-10", "retention_due")) == {"XM001", "XM003"}  # today
    assert found(county, "2024-06-11", "retention_due") == {}


def test_direct_award_above_the_tendering_threshold_is_red(county):
    """The threshold is 100000 by default: above it must be tendered; equal need not."""
    def data():
        above = f.project("XM001", "100000.01")
        f.contract("HT1", above, "90000.00", "2024-03-01", method=TenderMethod.DIRECT)
        f.contract("HT2", above, "10000.00", "2024-03-01", method=TenderMethod.OPEN)
        at = f.project("XM002", "100000.00")
        f.contract("HT3", at, "90000.00", "2024-03-01", method=TenderMethod.DIRECT)
        unsaid = f.project("XM003", "500000.00")
        f.contract("HT4", unsaid, "90000.00", "2024-03-01")  # 招标方式 not given
    build(county, data)
    assert found(county, "2024-02-29", "direct_award_above_threshold") == {}  # not signed
    got = found(county, "2024-03-01", "direct_award_above_threshold")
    assert set(got) == {"XM001"}
    a = got["XM001"]
    assert a.level == Level.RED and a.rule_label == "应招标未招标"
    assert a.reason == ("总投资 100,000.01 元超过招标限额 100,000.00 元,"
                        "合同 HT1(2024-03-01 签订,90,000.00 元)招标方式为直接委托")


def test_the_contract_rules_follow_the_filter(county):
    def data():
        p = f.project("XM001", "500000.00", unit="县水利局")
        f.contract("HT1", p, "90000.00", "2024-03-01", method=TenderMethod.DIRECT)
    build(county, data)
    assert set(found(county, "2024-03-01", "direct_award_above_threshold",
                     LedgerFilter(unit="县水利局"))) == {"XM001"}
    assert found(county, "2024-03-01", "direct_award_above_threshold",
                 LedgerFilter(unit="县交通运输局")) == {}
