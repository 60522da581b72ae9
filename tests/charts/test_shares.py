"""重点村占比: the share of each channel's and each unit's allocations going to priority
villages, against the targets an admin sets, on a county worked out by hand.

As of 2024-06-30:
ZY01 allocates 90,000.00 to P1 (重点村, 县交通运输局) and 10,000.00 to N1 (not, 县交通运输局)
     → 90,000 / 100,000 = 90.00%: exactly the default target 90%, not below
SJ01 allocates 89,990.00 to P1 and 10,010.00 to N2 (not, 县水利局)
     → 89.99%: below 90%
XJ01 allocates 50,000.00 to N2, and 50,000.00 to P2 (重点村, 县水利局) dated 2024-07-01
     (after the date: not counted) → 0.00%
units: 县交通运输局 179,990 / 189,990 = 94.74%; 县水利局 0 / 60,010 = 0.00% (below 40%)
total: 179,990 / 250,000 = 72.00%
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundtrack.database import unit_of_work
from fundtrack.errors import Refused
from fundtrack.ledger import LedgerFilter
from fundtrack.ledger.shares import by_channel, by_unit
from fundtrack.settings import service
from tests.conftest import csrf_token, login
from tests.factories import allocate, project, source

AS_OF = dt.date(2024, 6, 30)
D = Decimal


@pytest.fixture
def county(app):
    with app.app_context(), unit_of_work("县财政局"):
        zy, sj, xj = source("ZY01"), source("SJ01"), source("XJ01")
        p1 = project("P1", priority=True)
        p2 = project("P2", priority=True, unit="县水利局", township="李新店镇")
        n1 = project("N1")
        n2 = project("N2", unit="县水利局", township="李新店镇")
        allocate(p1, zy, "90000.00")
        allocate(n1, zy, "10000.00")
        allocate(p1, sj, "89990.00", "2024-03-01")
        allocate(n2, sj, "10010.00")
        allocate(n2, xj, "50000.00")
        allocate(p2, xj, "50000.00", "2024-07-01")
    return app


def test_shares_per_channel_against_the_target(county):
    with county.app_context():
        rows, total = by_channel(AS_OF, D("0.9000"))
    got = {r["code"]: (r["allocated"], r["priority"], r["share"], r["below"]) for r in rows}
    assert got == {
        "ZY01": (D("100000.00"), D("90000.00"), D("0.9000"), False),
        "SJ01": (D("100000.00"), D("89990.00"), D("0.8999"), True),
        "XJ01": (D("50000.00"), D("0.00"), D("0.0000"), True),
    }
    assert (total["allocated"], total["priority"], total["share"]) == (
        D("250000.00"), D("179990.00"), D("0.7200"))


def test_shares_per_unit_and_a_later_date(county):
    with county.app_context():
        rows, total = by_unit(AS_OF, D("0.4000"))
        later, _ = by_unit(dt.date(2024, 7, 1), D("0.4000"))
    assert [(r["name"], r["share"], r["below"]) for r in rows] == [
        ("县交通运输局", D("0.9474"), False), ("县水利局", D("0.0000"), True)]
    # the dated allocation counts from its date: 50,000 of 110,010
    assert [(r["name"], r["share"]) for r in later] == [
        ("县交通运输局", D("0.9474")), ("县水利局", D("0.4545"))]
    assert not later[1]["below"]


def test_a_filter_narrows_the_shares(county):
    with county.app_context():
        rows, total = by_channel(AS_OF, D("0.9"), LedgerFilter(unit="县水利局"))
    assert [(r["code"], r["allocated"]) for r in rows] == [
        ("SJ01", D("10010.00")), ("XJ01", D("50000.00"))]
    assert total["share"] == D("0.0000")


def test_targets_default_and_set_by_percent(app):
    with app.app_context():
        assert service.share_targets() == (D("0.9000"), D("0.4000"))
        with unit_of_work("admin"):
            service.set_share_targets("85.5", "40%")
        assert service.share_targets() == (D("0.8550"), D("0.4000"))
        assert service.percent_text(D("0.8550")) == "85.5"
        for bad in ("abc", "100.01", "-1", "12.345"):
            with pytest.raises(Refused) as e:
                service.set_share_targets(bad, None)
            assert e.value.field == "channel_share_target"


def test_admin_sets_targets_on_the_settings_page_and_the_page_flags(county, client, users):
    login(client, users["admin"])
    page = client.get("/settings/").get_data(as_text=True)
    assert "重点村资金占比目标" in page and 'value="90"' in page and 'value="40"' in page
    data = {service.duration_field(k): str(v) for k, v in service.DEFAULT_DURATIONS.items()}
    data.update(tender_threshold="100000.00", channel_share_target="89.99",
                unit_share_target="95", csrf_token=csrf_token(client, "/settings/"))
    assert client.post("/settings/", data=data).status_code == 302
    html = client.get("/charts/shares?as_of=2024-06-30").get_data(as_text=True)
    assert "目标:不低于 89.99%" in html and "目标:不低于 95.00%" in html
    # SJ01 at 89.99% now meets its target; XJ01 and both units fall short
    assert html.count("低于目标</span>") == 3
    assert '<tr class="below">\n        <th scope="row">XJ01' in html
    data["unit_share_target"] = "101"
    r = client.post("/settings/", data=data)
    assert r.status_code == 200
    assert "各责任单位投向重点村的比例应在 0% 到 100% 之间" in r.get_data(as_text=True)
