"""Invariant 1 at every date: Σ payments of a project × channel dated ≤ t never exceeds Σ its
allocations dated ≤ t (an undated allocation counts at every t). A payment and a dated
reduction are checked at their own date and at every later date."""

from __future__ import annotations

import pytest

from fundtrack.errors import Refused
from fundtrack.ledger import LedgerFilter, allocation_ledger, fund_ledger, project_ledger
from tests.factories import allocate, arrive, day, pay, project, source

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def pair(ctx):
    """ZY01 with its money arrived early; XM001 allocated 100,000.00 on 2026-09-16."""
    src = source("ZY01", "1000000.00")
    arrive(src, "1000000.00", "2026-01-01")
    prj = project("XM001")
    allocate(prj, src, "100000.00", "2026-09-16")
    return prj, src


def test_a_payment_before_its_allocation_is_refused(pair):
    prj, src = pair
    with pytest.raises(Refused) as e:
        pay("PZ1", prj, src, "50000.00", "2026-02-10")
    assert e.value.conflict and e.value.field == "amount"
    assert e.value.message == (
        "超出安排资金:项目「XM001」在资金来源「ZY01」截至 2026-02-10 及其后可用的安排资金为 "
        "0.00 元,本次支付 50,000.00 元")
    pay("PZ1", prj, src, "50000.00", "2026-09-16")  # on the allocation's own date: fine


def test_the_reports_of_an_earlier_date_then_agree(pair):
    prj, src = pair
    allocate(prj, src, "20000.00")  # undated: counts at every date
    pay("PZ1", prj, src, "20000.00", "2026-02-10")
    with pytest.raises(Refused):
        pay("PZ2", prj, src, "0.01", "2026-02-10")
    as_of = day("2026-03-01")
    projects = project_ledger(as_of).total
    pairs = allocation_ledger(as_of).total
    assert (projects["allocated"], projects["spent"]) == (pairs["allocated"], pairs["spent"])
    assert projects["spent"] == fund_ledger(as_of).total["spent"] == pairs["allocated"]


def test_a_payment_is_checked_at_every_later_date(ctx):
    """Allocated, reduced on 02-01 and allocated again on 04-01: a payment dated 03-01
    finds nothing allocated then, though the pair's allocation today would cover it."""
    src = source("ZY01", "1000000.00")
    arrive(src, "1000000.00", "2024-01-01")
    prj = project("XM001")
    allocate(prj, src, "100000.00", "2024-01-01")
    allocate(prj, src, "-100000.00", "2024-02-01")
    allocate(prj, src, "100000.00", "2024-04-01")
    with pytest.raises(Refused, match="截至 2024-03-01 及其后可用的安排资金为 0.00 元"):
        pay("PZ1", prj, src, "100000.00", "2024-03-01")
    pay("PZ1", prj, src, "100000.00", "2024-04-01")


def test_a_dated_reduction_is_checked_at_its_date_and_later(ctx):
    src = source("ZY01", "1000000.00")
    arrive(src, "1000000.00", "2024-01-01")
    prj = project("XM001")
    allocate(prj, src, "100000.00", "2024-01-01")
    pay("PZ1", prj, src, "100000.00", "2024-05-01")
    allocate(prj, src, "10000.00", "2024-06-01")
    # reduced on 03-01, the 10,000.00 allocated on 06-01 comes too late for the 05-01 payment
    with pytest.raises(Refused) as e:
        allocate(prj, src, "-10000.00", "2024-03-01")
    assert e.value.conflict and e.value.field == "amount"
    assert e.value.message == (
        "调减超出可调减的安排资金:项目「XM001」在资金来源「ZY01」截至 2024-03-01 及其后可调减的"
        "安排资金为 0.00 元,本次调减 10,000.00 元(调减后安排资金不得低于截至同日的已支出)")
    allocate(prj, src, "-10000.00", "2024-06-01")  # dated with the allocation it takes back


def test_an_undated_reduction_counts_at_every_date(ctx):
    src = source("ZY01", "1000000.00")
    arrive(src, "1000000.00", "2024-01-01")
    prj = project("XM001")
    allocate(prj, src, "100000.00")
    allocate(prj, src, "50000.00", "2024-06-01")
    pay("PZ1", prj, src, "80000.00", "2024-02-01")
    # undated, it would leave 79,999.99 allocated on 02-01, when 80,000.00 was paid
    with pytest.raises(Refused, match="在任一日期可调减的安排资金为 20,000.00 元"):
        allocate(prj, src, "-20000.01")
    allocate(prj, src, "-20000.00")
    assert allocation_ledger(day("2024-02-01"), LedgerFilter(project_code="XM001")).total[
        "balance"] == 0


def test_an_undated_reduction_of_a_dated_allocation_needs_its_date(ctx):
    """Undated, it would count before the allocation it takes back was made."""
    src = source("ZY01", "1000000.00")
    prj = project("XM001")
    allocate(prj, src, "100000.00", "2024-03-01")
    with pytest.raises(Refused, match="未填安排日期的调减计入每一日期,可填写调减日期"):
        allocate(prj, src, "-1000.00")
    allocate(prj, src, "-1000.00", "2024-03-01")
