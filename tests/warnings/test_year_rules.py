"""The year's warnings at their boundaries: money idle over one year (结存1年以上,
yellow) and two years (结存2年以上, red), first in first out as the 结转结余 report
counts it, and a settled project's leftover not reduced (报账后结余未调减)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.ledger.reports.carryover import carryover
from fundtrack.settings.service import get_year_thresholds, set_year_thresholds
from fundtrack.warnings import Level
from tests import factories as f
from tests.factories import day
from tests.warnings.test_rules import build, found


@pytest.fixture
def county(app):
    return app


def idle_channel():
    """ZY01 (年度 2023): 100,000 arrived 2023-03-01, 30,000 paid 2023-06-01, 10,000
    recovered 2024-01-10, 50,000 more arrived 2024-03-01."""
    src = f.source("ZY01", "200000.00", year=2023)
    f.arrive(src, "100000.00", "2023-03-01")
    p = f.project("XM001", year=2023)
    f.allocate(p, src, "30000.00")
    f.pay("P1", p, src, "30000.00", "2023-06-01")
    f.recover(src, "10000.00", "2024-01-10")
    f.arrive(src, "50000.00", "2024-03-01")
    spent = f.source("ZY02", "10000.00", year=2023)  # spent in full: never idle
    f.arrive(spent, "10000.00", "2023-01-01")
    f.allocate(p, spent, "10000.00")
    f.pay("P2", p, spent, "10000.00", "2023-01-02")


def test_money_idle_over_one_year_is_yellow_from_its_anniversary(county):
    build(county, idle_channel)
    # 2024-02-29 looks back to 2023-02-28: nothing had arrived by then
    assert found(county, "2024-02-29", "idle_over_one_year") == {}
    idle = found(county, "2024-03-01", "idle_over_one_year")  # 2023-03-01 counts
    assert list(idle) == ["ZY01"]
    w = idle["ZY01"]
    # 100,000 arrived by the cut − 30,000 spent − 10,000 recovered (oldest money first)
    assert w.level == Level.YELLOW and w.amount == Decimal("60000.00")
    assert "截至 2024-03-01 结存1年以上 60,000.00 元" in w.reason
    assert "2023-03-01 及以前到位" in w.reason
    assert w.link == ("funds.source", {"code": "ZY01"})
    with county.app_context():  # the very figure of the 结转结余 report
        row = next(r for r in carryover(day("2024-03-01")).rows if r["source_code"] == "ZY01")
    assert row["idle_over_1y"] == w.amount
    assert found(county, "2024-03-01", "idle_over_two_years") == {}


def test_money_idle_over_two_years_is_red_and_not_also_yellow(county):
    build(county, idle_channel)
    assert found(county, "2025-02-28", "idle_over_two_years") == {}
    assert list(found(county, "2025-02-28", "idle_over_one_year")) == ["ZY01"]
    red = found(county, "2025-03-01", "idle_over_two_years")
    assert list(red) == ["ZY01"] and red["ZY01"].level == Level.RED
    assert red["ZY01"].amount == Decimal("60000.00")
    # over one year: 150,000 arrived by 2024-03-01 − 40,000 used
    assert "结存1年以上共 110,000.00 元" in red["ZY01"].reason
    assert found(county, "2025-03-01", "idle_over_one_year") == {}  # one warning per channel


def test_the_idle_amount_threshold_is_more_than(county):
    build(county, idle_channel)
    with county.app_context(), unit_of_work("测试"):
        set_year_thresholds({"idle_amount": "60000.00"})
    assert found(county, "2024-03-01", "idle_over_one_year") == {}  # equal: no warning
    with county.app_context(), unit_of_work("测试"):
        set_year_thresholds({"idle_amount": "59999.99"})
    assert list(found(county, "2024-03-01", "idle_over_one_year")) == ["ZY01"]


def test_settled_project_keeping_its_leftover_more_than_n_days_is_yellow(county):
    def data():
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "1000000.00", "2024-01-01")
        for code, paid in (("XM001", "40000.00"), ("XM002", "40000.00"),
                           ("XM003", "50000.00"), ("XM004", "40000.00")):
            p = f.project(code)
            f.allocate(p, src, "50000.00", "2024-01-01")
            f.pay(f"P{code}", p, src, paid, "2024-02-01")
            if code != "XM004":  # XM004 is not settled: its leftover is no leftover yet
                f.milestone(p, K.SETTLED, done="2024-05-01")
            if code == "XM002":  # returned to the channel (调减)
                f.allocate(p, src, "-10000.00", "2024-05-10")
    build(county, data)
    with county.app_context():
        assert get_year_thresholds().leftover_days == 30
    assert found(county, "2024-05-30", "leftover_not_reduced") == {}
    assert found(county, "2024-05-31", "leftover_not_reduced") == {}  # day 30
    late = found(county, "2024-06-01", "leftover_not_reduced")         # day 31
    assert list(late) == ["XM001"]
    w = late["XM001"]
    assert w.level == Level.YELLOW and w.days == 31 and w.amount == Decimal("10000.00")
    assert "已于 2024-05-01 报账" in w.reason and "结余 10,000.00 元已 31 天未调减" in w.reason
    assert w.link == ("projects.detail", {"code": "XM001"})
    with county.app_context(), unit_of_work("测试"):
        set_year_thresholds({"leftover_days": 0})
    # XM002 held its leftover until its reduction of 2024-05-10
    assert list(found(county, "2024-05-02", "leftover_not_reduced")) == ["XM001", "XM002"]
    assert list(found(county, "2024-05-10", "leftover_not_reduced")) == ["XM001"]
    assert found(county, "2024-05-01", "leftover_not_reduced") == {}  # the day itself


def test_year_thresholds_refuse_nonsense_and_record_history(county):
    from fundtrack.errors import Refused
    from fundtrack.extensions import db
    from fundtrack.history.models import Change
    from fundtrack.settings.service import YEAR_THRESHOLDS_KEY

    with county.app_context(), unit_of_work("测试"):
        for changes in ({"idle_amount": "-1"}, {"idle_amount": "1.234"},
                        {"leftover_days": 1.5}, {"leftover_days": -1}, {"nope": 1}):
            with pytest.raises(Refused):
                set_year_thresholds(changes)
        set_year_thresholds({"leftover_days": 30})  # unchanged: no history
    with county.app_context():
        assert db.session.query(Change).filter_by(entity_key=YEAR_THRESHOLDS_KEY).count() == 0
    with county.app_context(), unit_of_work("测试"):
        set_year_thresholds({"leftover_days": 45})
    with county.app_context():
        change = db.session.query(Change).filter_by(entity_key=YEAR_THRESHOLDS_KEY).one()
        assert '"leftover_days": 45' in change.after["value"]


def test_admin_sets_the_year_thresholds_on_the_settings_page(app, client, users):
    from tests.conftest import login
    from tests.warnings.test_thresholds import _form

    login(client, users["admin"])
    page = client.get("/settings/").get_data(as_text=True)
    assert "结存1年、2年以上资金超过(元)预警" in page and "报账后结余未调减超过(天)标黄" in page
    r = client.post("/settings/", data=_form(client, idle_amount="5,000.50",
                                             leftover_days="45"))
    assert r.status_code == 302
    with app.app_context():
        t = get_year_thresholds()
    assert (t.idle_amount, t.leftover_days) == (Decimal("5000.50"), 45)
    r = client.post("/settings/", data=_form(client, idle_amount="-3"))
    assert r.status_code == 200 and "不能为负数" in r.get_data(as_text=True)
    with app.app_context():
        assert get_year_thresholds().idle_amount == Decimal("5000.50")
