"""December's close ends the year: it stores the 结转结余 as of 31 December beside the
资金台账, with its own digest, and the 月结 page checks it against the report recomputed
now. The other months store none."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.ledger import carryover
from fundtrack.periods import service
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, day, pay, project, recover, source


def build():
    """LN01 (年度 2024): 300,000 arrived 2024-03-01, 50,000 paid 2024-06-01; 20,000
    recovered 2025-01-10, 100,000 arrived 2025-03-01, 30,000 paid 2025-05-01. As of
    2025-12-31, by hand: 上年结转 250,000; this year 100,000 in, 30,000 paid, 20,000
    recovered; 期末结余 300,000; over one year (arrived by 2024-12-31 − all used)
    300,000 − 100,000 = 200,000; over two years nothing."""
    src = source("LN01", "500000.00", year=2024)
    arrive(src, "300000.00", "2024-03-01")
    prj = project("XM001", year=2024)
    allocate(prj, src, "80000.00", "2024-03-02")
    pay("PZ0001", prj, src, "50000.00", "2024-06-01")
    recover(src, "20000.00", "2025-01-10")
    arrive(src, "100000.00", "2025-03-01")
    pay("PZ0002", prj, src, "30000.00", "2025-05-01")
    db.session.flush()


HAND = {"carried_in": "250000.00", "arrived_this_year": "100000.00",
        "spent_this_year": "30000.00", "recovered_this_year": "20000.00",
        "balance": "300000.00", "idle_over_1y": "200000.00", "idle_over_2y": "0.00"}


def test_decembers_close_stores_the_carry_over_with_its_digest(ctx):
    build()
    nov = service.close_month("2025-11")
    assert nov.carryover is None and nov.carryover_digest is None
    assert service.verify(nov)["carryover"] is None
    dec = service.close_month("2025-12")
    assert dec.carryover["total"] == HAND
    assert dec.carryover["rows"] == [{"source_code": "LN01", **HAND}]
    assert dec.carryover_digest == service.digest(dec.carryover["rows"])
    # the report itself says the same
    assert {k: str(v) for k, v in carryover(day("2025-12-31")).total.items()
            if k in HAND} == HAND
    check = service.verify(dec)
    assert check["carryover"]["equal"] and check["carryover"]["digest"] == dec.carryover_digest


def test_a_change_behind_the_apps_back_shows_in_the_years_check(ctx):
    build()
    dec = service.close_month("2025-12")
    db.session.execute(update(Disbursement).where(Disbursement.voucher_no == "PZ0001")
                       .values(amount=40000))
    check = service.verify(dec)["carryover"]
    assert not check["equal"] and check["differing"] == ["LN01"]
    assert check["total"]["carried_in"] == "260000.00"
    assert check["digest"] != dec.carryover_digest


def test_the_page_previews_and_lists_the_years_carry_over(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        build()
    login(client, users["finance"])
    token = csrf_token(client, "/periods/")
    html = client.post("/periods/close", data={"month": "2025-12", "csrf_token": token}) \
        .get_data(as_text=True)
    assert "年终结账" in html and "200,000.00" in html  # 结存1年以上
    r = client.post("/periods/close", data={"month": "2025-12", "confirmed": "1",
                                            "csrf_token": token}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "年终结转结余" in html
    section = html[html.index("年终结转结余"):]
    assert "250,000.00" in section and "300,000.00" in section and "一致" in section
    assert "不一致" not in section


@pytest.mark.parametrize("month", ["2025-11"])
def test_other_months_show_no_years_section(app, client, users, month):
    with app.app_context(), unit_of_work("测试"):
        build()
        service.close_month(month)
    login(client, users["auditor"])
    assert "年终结转结余" not in client.get("/periods/").get_data(as_text=True)
