"""月结: closing a month locks the money dated in it; the figures as at the close stay
as they were, and the close keeps them for an auditor to compare."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from fundtrack.clock import today
from fundtrack.enums import PaymentKind
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.history.models import Change
from fundtrack.ledger import fund_ledger
from fundtrack.periods import service
from fundtrack.periods.models import PeriodClose
from tests.factories import D, allocate, arrive, day, pay, project, reverse, source

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def county(ctx):
    """One channel: 50万 arrived 2025-09-10; a project allocated 30万 on 09-12 and
    paid 10万 on 09-30 (the last day of the month to be closed)."""
    src = source("ZY01", "1000000.00")
    arrive(src, "500000.00", "2025-09-10")
    prj = project("XM001")
    allocate(prj, src, "300000.00", "2025-09-12")
    first = pay("PZ0001", prj, src, "100000.00", "2025-09-30")
    db.session.flush()
    return prj, src, first


def _refused(call, field):
    with pytest.raises(Refused) as e:
        call()
    assert e.value.conflict and e.value.field == field, e.value.message
    return e.value.message


def test_the_last_day_of_a_closed_month_is_locked_and_the_next_day_is_open(county):
    prj, src, first = county
    service.close_month("2025-09")
    msg = _refused(lambda: arrive(src, "1.00", "2025-09-30"), "arrived_on")
    assert "已月结" in msg and "2025-09-30" in msg
    _refused(lambda: allocate(prj, src, "1.00", "2025-09-30"), "allocated_on")
    _refused(lambda: allocate(prj, src, "-1.00", "2025-01-01"), "allocated_on")
    _refused(lambda: pay("PZ0002", prj, src, "1.00", "2025-09-30"), "paid_on")
    _refused(lambda: reverse("CX0001", first, "-1.00", "2025-09-30"), "paid_on")
    # the day after is open for every kind of entry
    arrive(src, "1.00", "2025-10-01")
    allocate(prj, src, "1.00", "2025-10-01")
    pay("PZ0002", prj, src, "1.00", "2025-10-01")
    reverse("CX0001", first, "-1.00", "2025-10-01")


def test_an_undated_allocation_is_refused_once_anything_is_closed(county):
    prj, src, _ = county
    allocate(prj, src, "1000.00")  # before any close: counts at every date, allowed
    service.close_month("2025-09")
    msg = _refused(lambda: allocate(prj, src, "1000.00"), "allocated_on")
    assert "未填日期" in msg


def test_corrections_after_the_close_leave_the_figures_as_at_the_close(county):
    prj, src, first = county
    close = service.close_month("2025-09")
    as_at_close = fund_ledger(day("2025-09-30"))
    # corrections, a new channel and more money, all dated in the open period
    reverse("CX0001", first, "-100000.00", "2025-10-08", memo="收款单位错误,红字冲回")
    pay("PZ0002", prj, src, "100000.00", "2025-10-08")
    allocate(prj, src, "-50000.00", "2025-10-09")
    arrive(src, "200000.00", "2025-10-09")
    source("SJ01", "80000.00")
    db.session.flush()
    again = fund_ledger(day("2025-09-30"))
    zy01 = [r for r in again.rows if r["source_code"] == "ZY01"]
    assert zy01 == [r for r in as_at_close.rows if r["source_code"] == "ZY01"]
    assert again.total["spent"] == D("100000.00") and again.total["arrived"] == D("500000.00")
    # what was stored at the close, and the same recomputed now, agree
    assert close.snapshot["total"]["spent"] == "100000.00"
    assert close.snapshot["total"]["allocated"] == "300000.00"
    check = service.verify(close)
    assert check["equal"] and check["differing"] == []
    assert check["digest"] == close.digest
    # while the ledger today did move
    assert fund_ledger(day("2025-10-31")).total["arrived"] == D("700000.00")


def test_a_change_behind_the_apps_back_shows_as_a_difference(county):
    _, _, first = county
    close = service.close_month("2025-09")
    db.session.execute(update(Disbursement).where(Disbursement.id == first.id)
                       .values(amount=D("90000.00")))
    check = service.verify(close)
    assert not check["equal"] and check["differing"] == ["ZY01"]
    assert check["total"]["spent"] == "90000.00" and check["digest"] != close.digest


def test_months_close_in_order_once_and_only_when_ended(county):
    current = today().strftime("%Y-%m")
    assert "尚未结束" in _refused_plain(lambda: service.close_month(current))
    service.close_month("2025-08")  # the first close may be any ended month
    assert "2025-09" in _refused(lambda: service.close_month("2025-10"), "month")
    service.close_month("2025-09")
    assert "已月结" in _refused(lambda: service.close_month("2025-09"), "month")
    assert "已月结" in _refused(lambda: service.close_month("2025-07"), "month")
    assert service.closed_through() == dt.date(2025, 9, 30)
    for bad in ("2025-13", "2025/09", "九月", ""):
        assert "YYYY-MM" in _refused_plain(lambda b=bad: service.close_month(b))


def _refused_plain(call):
    with pytest.raises(Refused) as e:
        call()
    assert e.value.field == "month"
    return e.value.message


def test_a_close_is_recorded_in_the_change_history(county):
    service.close_month("2025-09")
    change = db.session.scalar(select(Change).where(Change.entity == "period_close"))
    assert change.actor == "测试员" and change.entity_key == "2025-09"
    assert change.after["ends_on"] == "2025-09-30"


def test_the_first_close_locks_everything_before_it(county):
    prj, src, _ = county
    service.close_month("2025-10")
    _refused(lambda: pay("PZ0002", prj, src, "1.00", "2024-01-05"), "paid_on")
    assert db.session.scalar(select(PeriodClose.ends_on)) == dt.date(2025, 10, 31)


def test_a_reversal_in_an_open_month_of_a_payment_in_a_closed_one(county):
    _, _, first = county
    service.close_month("2025-09")
    r = reverse("CX0001", first, "-40000.00", "2025-10-02")
    assert r.kind == PaymentKind.REVERSAL and r.reverses_id == first.id
