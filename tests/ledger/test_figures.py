"""The ledger figures on a small county whose every number was worked out by hand.

As of D = 2024-06-30:

channels   ZY01 中央 issued 1,000,000; arrived 400,000 on 03-01 and 200,000 on 07-15 (after D)
           SJ01 省级 issued   300,000; nothing arrived
           XJ01 县级 issued   200,000; arrived 200,000 on 02-01
XM001 城关镇 县交通运输局 investment 500,000
           allocated ZY01 300,000 (02-10), XJ01 100,000 (no date)
           paid ZY01 120,000 (04-01), ZY01 60,000 (07-10, after D),
                XJ01 50,000 (05-01) reversed by 10,000 (06-01)
           立项入库 done 01-10, 开工 planned 04-01 done 04-05, 完工 planned 06-20 not done
XM002 东关乡 县水利局 investment 200,000
           allocated ZY01 150,000 (03-15), SJ01 50,000 (08-01, after D)
           paid ZY01 150,000 on D itself
           立项入库 01-05, 开工 03-20, 完工 done on D, 验收 planned on D (not yet late)
XM003 城关镇 县水利局 investment 100,000; no money; 立项入库 planned 05-01, not done
"""

from __future__ import annotations

import pytest
from flask import current_app

from fundtrack.enums import MilestoneKind as K
from fundtrack.extensions import db
from fundtrack.funds import service as funds
from fundtrack.ledger import (
    LedgerFilter,
    allocation_ledger,
    fund_ledger,
    overdue_list,
    project_ledger,
    summary,
)
from tests.conftest import StatementCounter
from tests.factories import D, allocate, arrive, day, milestone, pay, project, reverse, source

AS_OF = day("2024-06-30")


@pytest.fixture
def county(ctx):
    zy = source("ZY01", "1000000.00")
    sj = source("SJ01", "300000.00")
    xj = source("XJ01", "200000.00")
    arrive(zy, "400000.00", "2024-03-01")
    arrive(zy, "200000.00", "2024-07-15")
    arrive(xj, "200000.00", "2024-02-01")

    p1 = project("XM001", "500000.00", township="城关镇", unit="县交通运输局")
    p2 = project("XM002", "200000.00", township="东关乡", unit="县水利局")
    p3 = project("XM003", "100000.00", township="城关镇", unit="县水利局")
    allocate(p1, zy, "300000.00", "2024-02-10")
    allocate(p1, xj, "100000.00")
    allocate(p2, zy, "150000.00", "2024-03-15")
    allocate(p2, sj, "50000.00", "2024-08-01")

    pay("PZ1", p1, zy, "120000.00", "2024-04-01")
    pay("PZ2", p1, zy, "60000.00", "2024-07-10")
    pz3 = pay("PZ3", p1, xj, "50000.00", "2024-05-01")
    reverse("CX1", pz3, "-10000.00", "2024-06-01")
    pay("PZ4", p2, zy, "150000.00", "2024-06-30")

    milestone(p1, K.APPROVED, done="2024-01-10")
    milestone(p1, K.STARTED, planned="2024-04-01", done="2024-04-05")
    milestone(p1, K.COMPLETED, planned="2024-06-20")
    milestone(p2, K.APPROVED, done="2024-01-05")
    milestone(p2, K.STARTED, done="2024-03-20")
    milestone(p2, K.COMPLETED, done="2024-06-30")
    milestone(p2, K.ACCEPTED, planned="2024-06-30")
    milestone(p3, K.APPROVED, planned="2024-05-01")
    db.session.flush()
    return ctx


def by(rows, key):
    return {r[key]: r for r in rows}


def test_project_ledger(county):
    report = project_ledger(AS_OF)
    assert report.region == "测试县" and report.count == 3
    rows = by(report.rows, "project_code")
    p1, p2, p3 = rows["XM001"], rows["XM002"], rows["XM003"]
    # the payment after D does not count; the reversal lowers spending
    assert (p1["allocated"], p1["spent"], p1["spending_rate"]) == (
        D("400000.00"), D("160000.00"), D("0.4000"))
    assert (p1["current_milestone"], p1["overdue_count"], p1["max_days_overdue"]) == (
        "开工", 1, 10)
    # the allocation dated after D does not count; the payment on D does
    assert (p2["allocated"], p2["spent"], p2["spending_rate"]) == (
        D("150000.00"), D("150000.00"), D("1.0000"))
    assert (p2["current_milestone"], p2["overdue_count"]) == ("完工", 0)
    # no allocation: no rate; nothing done: no current milestone
    assert (p3["allocated"], p3["spending_rate"], p3["current_milestone"]) == (
        D("0.00"), None, None)
    assert (p3["overdue_count"], p3["max_days_overdue"]) == (1, 60)

    t = report.total
    assert t["project_code"] == "合计"
    assert (t["total_investment"], t["allocated"], t["spent"]) == (
        D("800000.00"), D("550000.00"), D("310000.00"))
    assert t["spending_rate"] == D("0.5636")  # from the sums, not an average of rates
    assert (t["overdue_count"], t["max_days_overdue"]) == (2, 60)


def test_fund_ledger(county):
    rows = by(fund_ledger(AS_OF).rows, "source_code")
    assert list(rows) == ["SJ01", "XJ01", "ZY01"]
    sj, xj, zy = rows["SJ01"], rows["XJ01"], rows["ZY01"]
    # nothing arrived: no spending rate
    assert (sj["arrived"], sj["arrival_rate"], sj["allocated"], sj["spending_rate"]) == (
        D("0.00"), D("0.0000"), D("0.00"), None)
    assert (xj["arrived"], xj["allocated"], xj["spent"], xj["spending_rate"], xj["balance"]) == (
        D("200000.00"), D("100000.00"), D("40000.00"), D("0.2000"), D("160000.00"))
    # the arrival of 07-15 does not count
    assert (zy["arrived"], zy["arrival_rate"], zy["allocated"], zy["spent"]) == (
        D("400000.00"), D("0.4000"), D("450000.00"), D("270000.00"))
    assert (zy["spending_rate"], zy["balance"]) == (D("0.6750"), D("130000.00"))
    t = fund_ledger(AS_OF).total
    assert (t["amount_issued"], t["arrived"], t["arrival_rate"], t["spent"]) == (
        D("1500000.00"), D("600000.00"), D("0.4000"), D("310000.00"))
    assert (t["spending_rate"], t["balance"]) == (D("0.5167"), D("290000.00"))


def test_allocation_ledger(county):
    report = allocation_ledger(AS_OF)
    keys = [(r["project_code"], r["source_code"]) for r in report.rows]
    assert keys == [("XM001", "XJ01"), ("XM001", "ZY01"), ("XM002", "ZY01")]
    xm1_xj = report.rows[0]
    assert (xm1_xj["allocated"], xm1_xj["spent"], xm1_xj["spending_rate"],
            xm1_xj["balance"]) == (D("100000.00"), D("40000.00"), D("0.4000"), D("60000.00"))
    t = report.total
    assert (t["allocated"], t["spent"], t["spending_rate"], t["balance"]) == (
        D("550000.00"), D("310000.00"), D("0.5636"), D("240000.00"))


def test_overdue_list_longest_first(county):
    rows = overdue_list(AS_OF).rows
    assert [(r["project_code"], r["milestone"], r["days_overdue"]) for r in rows] == [
        ("XM003", "立项入库", 60), ("XM001", "完工", 10)]
    assert rows[0]["unit"] == "县水利局" and rows[0]["planned_on"] == day("2024-05-01")
    # a milestone planned for D is not late on D, but is the day after
    late = overdue_list(day("2024-07-01")).rows
    assert ("XM002", "验收", 1) in [
        (r["project_code"], r["milestone"], r["days_overdue"]) for r in late]


def test_summary_by_township_then_unit(county):
    report = summary(AS_OF)
    rows = [(r["group"], r["name"]) for r in report.rows]
    assert rows == [("乡镇", "东关乡"), ("乡镇", "城关镇"),
                    ("责任单位", "县交通运输局"), ("责任单位", "县水利局")]
    chengguan = report.rows[1]
    assert (chengguan["projects"], chengguan["started"], chengguan["start_rate"],
            chengguan["completed"], chengguan["completion_rate"]) == (
        2, 1, D("0.5000"), 0, D("0.0000"))
    assert chengguan["investment_completion_rate"] == D("0.2667")
    water = report.rows[3]
    assert (water["projects"], water["completed"], water["spent"],
            water["investment_completion_rate"]) == (2, 1, D("150000.00"), D("0.5000"))
    t = report.total
    assert (t["group"], t["projects"], t["started"], t["start_rate"], t["completed"]) == (
        "合计", 3, 2, D("0.6667"), 1)
    assert (t["completion_rate"], t["spending_rate"], t["investment_completion_rate"]) == (
        D("0.3333"), D("0.5636"), D("0.3875"))


def test_an_earlier_date_sees_less(county):
    early = day("2024-03-31")
    rows = by(project_ledger(early).rows, "project_code")
    assert rows["XM001"]["spent"] == D("0.00") and rows["XM001"]["current_milestone"] == "立项入库"
    assert rows["XM002"]["allocated"] == D("150000.00")  # dated 03-15
    total = summary(early).total
    assert (total["started"], total["completed"]) == (1, 0)


def test_filters(county):
    chengguan = LedgerFilter(township="城关镇")
    assert [r["project_code"] for r in project_ledger(AS_OF, chengguan).rows] == [
        "XM001", "XM003"]
    funds = by(fund_ledger(AS_OF, chengguan).rows, "source_code")
    assert list(funds) == ["XJ01", "ZY01"]  # only the channels funding projects in scope
    assert (funds["ZY01"]["allocated"], funds["ZY01"]["spent"]) == (
        D("300000.00"), D("120000.00"))
    water = LedgerFilter(unit="县水利局")
    assert project_ledger(AS_OF, water).total["spent"] == D("150000.00")
    assert overdue_list(AS_OF, water).count == 1
    assert project_ledger(AS_OF, LedgerFilter(year=2023)).count == 0
    assert project_ledger(AS_OF, LedgerFilter(priority=True)).rows == []


def test_paging_keeps_the_total_of_every_row(county):
    report = project_ledger(AS_OF, page=2, per_page=2)
    assert [r["project_code"] for r in report.rows] == ["XM003"]
    assert (report.count, report.page, report.per_page) == (3, 2, 2)
    assert report.total["spent"] == D("310000.00")


@pytest.mark.parametrize("report", [project_ledger, allocation_ledger, fund_ledger,
                                    overdue_list, summary])
def test_statement_count_does_not_grow_with_projects(county, report):
    def statements():
        with StatementCounter(current_app) as counter:
            report(AS_OF)
            report(AS_OF, page=1, per_page=2)
        return counter.count

    before = statements()
    zy = source("ZY02", "9000000.00")
    arrive(zy, "9000000.00", "2024-01-01")
    for i in range(30):
        p = project(f"XM1{i:02d}", township=f"乡镇{i % 7}", unit=f"单位{i % 5}")
        allocate(p, zy, "1000.00")
        pay(f"PZ1{i:02d}", p, zy, "500.00", "2024-02-01")
        milestone(p, K.STARTED, planned="2024-03-01")
    db.session.flush()
    assert statements() == before <= 6


def test_sorting(county):
    codes = lambda rep: [r["project_code"] for r in rep.rows]  # noqa: E731
    assert codes(project_ledger(AS_OF, sort="-spending_rate")) == ["XM002", "XM001", "XM003"]
    assert codes(project_ledger(AS_OF, sort="max_days_overdue")) == ["XM002", "XM001", "XM003"]
    assert codes(project_ledger(AS_OF, sort="-max_days_overdue"))[0] == "XM003"
    assert [r["source_code"] for r in fund_ledger(AS_OF, sort="-spending_rate").rows] == [
        "ZY01", "XJ01", "SJ01"]  # no rate (nothing arrived) comes last
    assert [r["name"] for r in summary(AS_OF, sort="-spent").rows] == [
        "城关镇", "东关乡", "县交通运输局", "县水利局"]
    with pytest.raises(Exception, match="不能按"):
        project_ledger(AS_OF, sort="password")


def test_sorting_by_spending_rate_zero_with_the_zeros_no_rate_last_both_ways(county):
    """Nothing spent is a rate of 0 and sorts with the zeros; nothing allocated is no rate
    and comes after every rate, ascending and descending alike."""
    zy, xj = funds.get_source("ZY01"), funds.get_source("XJ01")
    p4, p5 = project("XM004"), project("XM005")
    allocate(p4, zy, "10000.00", "2024-02-01")  # allocated, nothing spent: 0.00%
    allocate(p5, xj, "5000.00")
    allocate(p5, xj, "-5000.00")  # allocated and reduced to nothing: no rate

    codes = lambda rep: [r["project_code"] for r in rep.rows]  # noqa: E731
    assert codes(project_ledger(AS_OF, sort="spending_rate")) == [
        "XM004", "XM001", "XM002", "XM003", "XM005"]
    assert codes(project_ledger(AS_OF, sort="-spending_rate")) == [
        "XM002", "XM001", "XM004", "XM003", "XM005"]
    pairs = lambda rep: [(r["project_code"], r["source_code"]) for r in rep.rows]  # noqa: E731
    assert pairs(allocation_ledger(AS_OF, sort="spending_rate")) == [
        ("XM004", "ZY01"), ("XM001", "XJ01"), ("XM001", "ZY01"), ("XM002", "ZY01"),
        ("XM005", "XJ01")]
    assert pairs(allocation_ledger(AS_OF, sort="-spending_rate")) == [
        ("XM002", "ZY01"), ("XM001", "XJ01"), ("XM001", "ZY01"), ("XM004", "ZY01"),
        ("XM005", "XJ01")]


def test_one_project_or_one_channel(county):
    rows = allocation_ledger(AS_OF, LedgerFilter(project_code="XM001")).rows
    assert [r["source_code"] for r in rows] == ["XJ01", "ZY01"]
    rows = allocation_ledger(AS_OF, LedgerFilter(source_code="ZY01")).rows
    assert [r["project_code"] for r in rows] == ["XM001", "XM002"]
    assert [r["project_code"] for r in project_ledger(AS_OF, LedgerFilter(search="M00")).rows] \
        == ["XM001", "XM002", "XM003"]
    assert project_ledger(AS_OF, LedgerFilter(search="%")).rows == []


def test_a_year_lists_its_channels_even_before_they_fund_anything(county):
    source("ZY99", "5000.00", year=2024)
    assert "ZY99" in [r["source_code"] for r in fund_ledger(AS_OF, LedgerFilter(year=2024)).rows]
    # a township narrows the channels to those funding its projects
    assert "ZY99" not in [r["source_code"] for r in fund_ledger(
        AS_OF, LedgerFilter(year=2024, township="城关镇")).rows]
