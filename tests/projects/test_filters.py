"""The two as-of-dependent filters of 项目库: current milestone reached, overdue only."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.ledger import LedgerFilter, allocation_ledger, overdue_list, project_ledger
from tests.factories import allocate, day, milestone, pay, project, source


@pytest.fixture
def county(app):
    """XM1 started 03-10 (开工 planned 03-01); XM2 开工 planned 04-01, not done;
    XM3 approved only; XM4 no milestones."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        from tests.factories import arrive

        arrive(zy, "500000.00", "2024-01-01")
        p1, p2, p3, _ = (project(c) for c in ("XM1", "XM2", "XM3", "XM4"))
        milestone(p1, K.APPROVED, planned="2024-01-05", done="2024-01-05")
        milestone(p1, K.STARTED, planned="2024-03-01", done="2024-03-10")
        milestone(p2, K.APPROVED, done="2024-01-10")
        milestone(p2, K.STARTED, planned="2024-04-01")
        milestone(p3, K.APPROVED, planned="2024-01-20", done="2024-02-01")
        allocate(p1, zy, "100000.00")
        allocate(p2, zy, "50000.00")
        pay("PZ1", p1, zy, "30000.00", "2024-03-15")
        pay("PZ2", p2, zy, "10000.00", "2024-03-15")
    return app


def codes(report):
    return [r["project_code"] for r in report.rows]


def test_reached_is_the_current_milestone_at_least_x_as_of_the_date(county):
    with county.app_context():
        f = LedgerFilter(reached=K.STARTED)
        assert codes(project_ledger(day("2024-03-09"), f)) == []
        assert codes(project_ledger(day("2024-03-10"), f)) == ["XM1"]
        f = LedgerFilter(reached=K.APPROVED)
        assert codes(project_ledger(day("2024-01-31"), f)) == ["XM1", "XM2"]
        assert codes(project_ledger(day("2024-02-01"), f)) == ["XM1", "XM2", "XM3"]


def test_overdue_only_keeps_exactly_the_projects_of_the_overdue_list(county):
    with county.app_context():
        for as_of in ("2024-01-21", "2024-03-02", "2024-03-10", "2024-04-01", "2024-04-02"):
            d = day(as_of)
            expected = sorted({r["project_code"] for r in overdue_list(d).rows})
            got = codes(project_ledger(d, LedgerFilter(overdue_only=True)))
            assert got == expected, as_of
        assert codes(project_ledger(day("2024-04-02"), LedgerFilter(overdue_only=True))) \
            == ["XM2"]


def test_milestone_filters_narrow_the_money_and_the_totals(county):
    with county.app_context():
        report = project_ledger(day("2024-06-30"), LedgerFilter(overdue_only=True))
        assert report.total["spent"] == report.rows[0]["spent"] == 10000
        alloc = allocation_ledger(day("2024-06-30"), LedgerFilter(reached=K.STARTED))
        assert [r["project_code"] for r in alloc.rows] == ["XM1"]
        assert alloc.total["allocated"] == 100000


def test_filters_combine_with_the_others_and_with_the_overdue_list(county):
    with county.app_context():
        f = LedgerFilter(overdue_only=True, reached=K.APPROVED, search="XM2")
        assert codes(project_ledger(day("2024-06-30"), f)) == ["XM2"]
        rows = overdue_list(day("2024-06-30"), LedgerFilter(reached=K.STARTED)).rows
        assert rows == []  # XM1 is started and has nothing overdue


def test_milestone_filters_need_the_date():
    with pytest.raises(ValueError):
        LedgerFilter(overdue_only=True).project_conditions()
