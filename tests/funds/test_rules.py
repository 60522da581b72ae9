"""The invariants of DOMAIN.md about money, refused through the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds.balances import cash_available
from fundtrack.funds.models import Disbursement
from fundtrack.history.models import Change
from tests.factories import D, allocate, arrive, day, milestone, pay, project, reverse, source

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def funded(ctx):
    """One channel issued 100万, 30万 arrived on 3-01; one project allocated 20万."""
    src = source("ZY01", "1000000.00")
    arrive(src, "300000.00", "2024-03-01")
    prj = project("XM001")
    allocate(prj, src, "200000.00")
    db.session.flush()
    return prj, src


def test_payment_within_allocation_and_arrivals_is_posted(funded):
    prj, src = funded
    p = pay("PZ0001", prj, src, "150000.00", "2024-03-05")
    assert p.id and p.amount == D("150000.00")


def test_payment_beyond_allocation_is_refused(funded):
    prj, src = funded
    pay("PZ0001", prj, src, "150000.00", "2024-03-05")
    with pytest.raises(Refused) as e:
        pay("PZ0002", prj, src, "50000.01", "2024-03-06")
    assert e.value.conflict and e.value.field == "amount"
    assert "超出安排资金" in e.value.message and "50,000.00 元" in e.value.message


def test_payment_running_ahead_of_arrivals_is_refused(ctx):
    src = source("ZY01", "1000000.00")
    arrive(src, "100000.00", "2024-03-01")
    arrive(src, "100000.00", "2024-04-01")
    prj = project()
    allocate(prj, src, "500000.00")
    # same-day arrival counts
    pay("PZ1", prj, src, "100000.00", "2024-03-01")
    with pytest.raises(Refused) as e:
        pay("PZ2", prj, src, "0.01", "2024-03-31")
    assert "超出到位资金" in e.value.message
    pay("PZ2", prj, src, "100000.00", "2024-04-01")


def test_backdated_payment_is_checked_at_every_later_date(ctx):
    src = source("ZY01", "1000000.00")
    arrive(src, "100000.00", "2024-03-01")
    arrive(src, "50000.00", "2024-05-01")
    prj = project()
    allocate(prj, src, "500000.00")
    pay("PZ1", prj, src, "150000.00", "2024-05-02")
    # On 04-01 100000 had arrived and nothing was paid yet, but by 05-02 every yuan is
    # spent: a back-dated payment of even one fen would make 05-02 overspent.
    assert cash_available(src, day("2024-04-01")) == D("0.00")
    with pytest.raises(Refused):
        pay("PZ0", prj, src, "0.01", "2024-04-01")


def test_allocations_beyond_amount_issued_are_refused(ctx):
    src = source("ZY01", "100000.00")
    allocate(project("XM001"), src, "60000.00")
    with pytest.raises(Refused) as e:
        allocate(project("XM002"), src, "40000.01")
    assert "超过下达金额" in e.value.message
    allocate(project("XM003"), src, "40000.00")


def test_reduction_may_not_go_below_what_was_paid(funded):
    prj, src = funded
    pay("PZ1", prj, src, "120000.00", "2024-03-05")
    with pytest.raises(Refused) as e:
        allocate(prj, src, "-80000.01")
    assert "调减" in e.value.message
    allocate(prj, src, "-80000.00")


def test_reversal_rules(funded):
    prj, src = funded
    original = pay("PZ1", prj, src, "100000.00", "2024-03-05")
    with pytest.raises(Refused, match="早于原凭证"):
        reverse("CX1", original, "-100.00", "2024-03-04")
    with pytest.raises(Refused, match="原因"):
        reverse("CX1", original, "-100.00", "2024-03-06", memo="")
    reverse("CX1", original, "-60000.00", "2024-03-06")
    with pytest.raises(Refused, match="可冲销的余额 40,000.00"):
        reverse("CX2", original, "-40000.01", "2024-03-07")
    second = reverse("CX2", original, "-40000.00", "2024-03-07")
    with pytest.raises(Refused, match="已全部冲销"):
        reverse("CX3", original, "-0.01", "2024-03-08")
    with pytest.raises(Refused, match="本身是冲销凭证"):
        reverse("CX3", second, "-0.01", "2024-03-08")
    spent = db.session.scalar(select(func.sum(Disbursement.amount)))
    assert spent == D("0.00")


def test_duplicate_voucher_is_refused(funded):
    prj, src = funded
    pay("PZ1", prj, src, "100.00", "2024-03-05")
    with pytest.raises(Refused, match="凭证号「PZ1」已存在") as e:
        pay("PZ1", prj, src, "100.00", "2024-03-05")
    assert e.value.conflict


def test_settlement_needs_acceptance_on_or_before_its_date(funded):
    prj, src = funded
    with pytest.raises(Refused, match="尚未验收"):
        pay("JS1", prj, src, "100.00", "2024-06-01", kind=PaymentKind.SETTLEMENT)
    milestone(prj, MilestoneKind.ACCEPTED, done="2024-06-02")
    with pytest.raises(Refused, match="验收日期为 2024-06-02"):
        pay("JS1", prj, src, "100.00", "2024-06-01", kind=PaymentKind.SETTLEMENT)
    pay("JS1", prj, src, "100.00", "2024-06-02", kind=PaymentKind.SETTLEMENT)
    # and the acceptance can no longer move after the settlement
    with pytest.raises(Refused, match="结算款"):
        milestone(prj, MilestoneKind.ACCEPTED, done="2024-06-03")


def test_every_change_is_recorded_with_who_and_before(funded):
    prj, src = funded
    milestone(prj, MilestoneKind.STARTED, planned="2024-04-01")
    milestone(prj, MilestoneKind.STARTED, planned="2024-04-01", done="2024-04-03")
    rows = db.session.scalars(
        select(Change).where(Change.entity == "milestone").order_by(Change.id)
    ).all()
    assert [r.action for r in rows] == ["insert", "update"]
    assert rows[1].actor == "测试员"
    assert rows[1].before["done_on"] is None and rows[1].after["done_on"] == "2024-04-03"
    assert rows[1].after["kind"] == "开工"


def test_history_names_records_as_users_do(funded):
    prj, src = funded
    milestone(prj, MilestoneKind.STARTED, planned="2024-04-01")
    keys = {(c.entity, c.entity_key) for c in db.session.scalars(select(Change))}
    assert ("milestone", "XM001/开工") in keys
    assert ("allocation", "XM001/ZY01") in keys
    assert ("fund_arrival", "ZY01") in keys
