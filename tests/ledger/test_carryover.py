"""结转结余 as of any date, figures computed by hand (DOMAIN.md "The year"), with the
资金台账's 已收回 column, the FIFO age rule and 29 February; the screen, the API and the
exported sheet show the same rows."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import FundCategory
from fundtrack.extensions import db
from fundtrack.ledger import LedgerFilter, carryover, fund_ledger
from fundtrack.ledger.reports.carryover import years_before
from fundtrack.workbook.export import export_workbook
from tests.conftest import StatementCounter, bearer, login
from tests.factories import D, allocate, arrive, day, pay, project, recover, reverse, source
from tests.workbook.readback import open_book, values


def build():
    """ZY23 (年度 2023, issued 100万): arrivals 30万 on 2023-02-28, 20万 on 2023-06-01,
    10万 on 2024-03-01, 5万 on 2025-01-10; paid 12万 on 2023-03-10, 15万 on 2024-02-29
    (2万 of it reversed on 2024-07-01), 3万 on 2025-02-01; recovered 5万 on 2024-12-31 and
    4万 on 2025-02-20. ZY25 (年度 2025) has nothing yet; ZY26 (年度 2026) is not listed in
    2025."""
    a = source("ZY23", "1000000.00", year=2023)
    for amount, on in (("300000", "2023-02-28"), ("200000", "2023-06-01"),
                       ("100000", "2024-03-01"), ("50000", "2025-01-10")):
        arrive(a, amount, on)
    p = project("XM001", "900000.00", year=2023)
    allocate(p, a, "600000.00")
    pay("PZ1", p, a, "120000.00", "2023-03-10")
    leap = pay("PZ2", p, a, "150000.00", "2024-02-29")
    reverse("PZ3", leap, "-20000.00", "2024-07-01")
    pay("PZ4", p, a, "30000.00", "2025-02-01")
    recover(a, "50000.00", "2024-12-31")
    recover(a, "40000.00", "2025-02-20")
    source("ZY25", "80000.00", year=2025, category=FundCategory.INTEGRATED)
    source("ZY26", "90000.00", year=2026)
    db.session.flush()


def amounts(row) -> tuple:
    return tuple(row[k] for k in ("carried_in", "arrived_this_year", "spent_this_year",
                                  "recovered_this_year", "balance", "idle_over_1y",
                                  "idle_over_2y"))


def test_years_before_turns_29_february_into_28():
    assert years_before(day("2024-02-29"), 1) == day("2023-02-28")
    assert years_before(day("2024-02-29"), 4) == day("2020-02-29")
    assert years_before(day("2025-03-01"), 2) == day("2023-03-01")


def test_carryover_by_hand(ctx):
    build()
    r = carryover(day("2025-02-28"))
    assert [row["source_code"] for row in r.rows] == ["ZY23", "ZY25"]
    # 上年结转 = 60万 − (12 + 15 − 2)万 − 5万; U = 28万 + 9万 = 37万; arrived by
    # 2024-02-28 50万 → 13万 over one year; by 2023-02-28 (same day counts) 30万 → 0.
    assert amounts(r.rows[0]) == tuple(D(x) for x in (
        "300000.00", "50000.00", "30000.00", "40000.00", "280000.00", "130000.00", "0.00"))
    assert amounts(r.rows[1]) == (D("0.00"),) * 7
    assert r.total["source_code"] == "合计" and r.total["balance"] == D("280000.00")
    # the 资金台账 of the same date: 已收回 9万, 支出率 = 28 / (65 − 9), 结余 = 65 − 28 − 9
    f = fund_ledger(day("2025-02-28"), LedgerFilter(source_code="ZY23")).rows[0]
    assert (f["arrived"], f["spent"], f["recovered"], f["spending_rate"], f["balance"]) == (
        D("650000.00"), D("280000.00"), D("90000.00"), D("0.5000"), D("280000.00"))


def test_carryover_on_29_february_and_two_years_on(ctx):
    build()
    row = carryover(day("2024-02-29")).rows[0]
    # one year before 2024-02-29 is 2023-02-28: 30万 arrived by then, 27万 used
    assert amounts(row) == tuple(D(x) for x in (
        "380000.00", "0.00", "150000.00", "0.00", "230000.00", "30000.00", "0.00"))
    row = carryover(day("2026-03-01")).rows[0]
    # two years before: 2024-03-01, 60万 arrived, 37万 used; one year: 65万
    assert row["carried_in"] == D("280000.00") and row["balance"] == D("280000.00")
    assert (row["idle_over_1y"], row["idle_over_2y"]) == (D("280000.00"), D("230000.00"))
    assert [r["source_code"] for r in carryover(day("2026-03-01")).rows] == [
        "ZY23", "ZY25", "ZY26"]


def test_carryover_is_one_statement_whatever_the_channels(app, ctx):
    build()
    with StatementCounter(app) as few:
        carryover.uncached(day("2025-02-28"))
    for i in range(20):
        src = source(f"ZX{i:02d}", "1000.00", year=2024)
        arrive(src, "500.00", "2024-05-01")
        recover(src, "100.00", "2024-06-01")
    db.session.flush()
    with StatementCounter(app) as many:
        assert len(carryover.uncached(day("2025-02-28")).rows) == 22
    assert few.count == many.count == 1


def test_sorting_and_paging(ctx):
    build()
    r = carryover(day("2025-02-28"), sort="-balance", page=1, per_page=1)
    assert [x["source_code"] for x in r.rows] == ["ZY23"] and r.count == 2
    r = carryover(day("2025-02-28"), sort="balance", page=1, per_page=1)
    assert [x["source_code"] for x in r.rows] == ["ZY25"]


@pytest.fixture
def county(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        build()
    return tokens


def test_the_api_screen_and_sheet_agree(app, client, county, users, tmp_path):
    body = client.get("/api/v1/ledger/carryover?as_of=2025-02-28",
                      headers=bearer(county["viewer"])).get_json()
    assert body["rows"][0] == {
        "source_code": "ZY23", "name": body["rows"][0]["name"], "year": 2023,
        "carried_in": "300000.00", "arrived_this_year": "50000.00",
        "spent_this_year": "30000.00", "recovered_this_year": "40000.00",
        "balance": "280000.00", "idle_over_1y": "130000.00", "idle_over_2y": "0.00"}
    assert body["total"]["balance"] == "280000.00"
    funds = client.get("/api/v1/ledger/funds?as_of=2025-02-28",
                       headers=bearer(county["viewer"])).get_json()
    assert funds["rows"][0]["recovered"] == "90000.00"
    assert funds["rows"][0]["spending_rate"] == 0.5

    login(client, users["viewer"])
    page = client.get("/ledger/carryover?as_of=2025-02-28&money=wan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "结转结余" in html and "结存2年以上" in html and "28.00" in html

    out = tmp_path / "out.xlsx"
    with app.app_context():
        export_workbook(out, as_of=day("2025-02-28"))
    rows = values(open_book(out)["结转结余"])
    assert rows[1][:3] == ("资金来源编号", "资金名称", "年度")
    zy23 = next(r for r in rows if r[0] == "ZY23")
    assert zy23[3:] == (300000, 50000, 30000, 40000, 280000, 130000, 0)
    assert rows[-1][0] == "合计"


def test_the_dashboard_shows_carried_in_and_idle_money(client, county, users):
    from tests.funds.pages import text

    login(client, users["viewer"])
    page = text(client.get("/?as_of=2025-02-28"))
    assert "上年结转 30.00 万元" in page
    assert "结存1年以上 · 其中2年以上 0.00 万元 13.00 万元" in page
    assert "已收回 9.00 万元" in page
