"""图表: the month-by-month series (one statement, hand-made case), the page's tables and
the JSON the script draws from; all of them the ledger's figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import text

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.ledger import LedgerFilter, fund_ledger
from fundtrack.ledger.series import monthly_series
from tests.conftest import StatementCounter, login
from tests.dashboard.county import build_county
from tests.factories import allocate, arrive, pay, project, recover, reverse, source

D = Decimal


@pytest.fixture
def months_county(app):
    """ZY01: arrived 100,000 on 2023-12-20 and 50,000 on 2024-03-01; paid 30,000 on
    2023-12-28, 20,000 on 2024-01-31 (reversed by 5,000 on 2024-02-01), 40,000 on
    2024-03-01 and 10,000 on 2024-07-02. SJ01 funds only a project of 李新店镇: arrived
    8,000 and paid 1,000.50, both on 2024-02-29."""
    with app.app_context(), unit_of_work("县财政局"):
        zy, sj = source("ZY01", year=2023), source("SJ01")
        p = project("XM001")
        q = project("XM002", township="李新店镇")
        allocate(p, zy, "150000.00")
        allocate(q, sj, "8000.00")
        arrive(zy, "100000.00", "2023-12-20")
        arrive(zy, "50000.00", "2024-03-01")
        arrive(sj, "8000.00", "2024-02-29")
        pay("P1", p, zy, "30000.00", "2023-12-28")
        wrong = pay("P2", p, zy, "20000.00", "2024-01-31")
        reverse("P3", wrong, "-5000.00", "2024-02-01")
        pay("P4", p, zy, "40000.00", "2024-03-01")
        pay("P5", p, zy, "10000.00", "2024-07-02")
        pay("P6", q, sj, "1000.50", "2024-02-29")
        recover(zy, "2000.00", "2023-12-30")  # before the year: in every month's to-date
        recover(zy, "3000.00", "2024-02-15")
        recover(zy, "500.00", "2024-03-20")   # after the as-of date of the first test
    return app


def test_months_per_month_and_to_date(months_county):
    as_of = dt.date(2024, 3, 15)
    with months_county.app_context():
        db.session.execute(text("SELECT 1"))  # the transaction is open: count the query only
        with StatementCounter(months_county) as counter:
            months = monthly_series(2024, as_of)
    assert counter.count == 1
    got = [(m.month, m.spent, m.spent_to_date, m.arrived_to_date) for m in months]
    assert got[:3] == [
        (1, D("20000.00"), D("50000.00"), D("100000.00")),
        (2, D("-3999.50"), D("46000.50"), D("108000.00")),
        (3, D("40000.00"), D("86000.50"), D("158000.00")),
    ]
    # months after the as-of date have no figures
    assert [m.month for m in months if m.spent is None] == list(range(4, 13))
    # recoveries: in their month, and to date from the one before the year
    assert [(m.recovered, m.recovered_to_date) for m in months[:3]] == [
        (D("0.00"), D("2000.00")), (D("3000.00"), D("5000.00")), (D("0.00"), D("5000.00"))]
    # the as-of month ends on the fund ledger's total
    with months_county.app_context():
        total = fund_ledger(as_of).total
    assert (total["spent"], total["arrived"]) == (got[2][2], got[2][3])
    assert total["recovered"] == months[2].recovered_to_date


def test_months_of_a_past_year_and_a_filter(months_county):
    with months_county.app_context():
        past = monthly_series(2023, dt.date(2024, 12, 31))
        township = monthly_series(2024, dt.date(2024, 12, 31), LedgerFilter(township="李新店镇"))
    assert [(m.month, m.spent) for m in past if m.spent] == [(12, D("30000.00"))]
    assert past[11].arrived_to_date == D("100000.00")  # the 2024 arrival is not in 2023
    assert (township[1].spent, township[11].spent_to_date, township[11].arrived_to_date) == (
        D("1000.50"), D("1000.50"), D("8000.00"))


@pytest.fixture
def viewer(app, client, users):
    build_county(app)
    login(client, users["viewer"])
    return client


def test_the_page_shows_every_chart_with_its_table(viewer):
    html = viewer.get("/charts/?as_of=2024-06-30").get_data(as_text=True)
    for chart in ("channels", "townships", "units", "months"):
        assert f'data-chart="{chart}"' in html and f'data-table="{chart}"' in html
    assert 'data-src="/charts/data.json?as_of=2024-06-30"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/charts.js" in html
    assert "<script>" not in html and "onclick" not in html  # CSP: scripts from files only
    # the ledger's formatted figures: SJ01 spent 123,456.78 of 500,000 arrived
    assert ("<th scope=\"row\">SJ01 中央财政衔接推进乡村振兴补助资金SJ01</th><td class=\"num\">"
            "50.00</td><td class=\"num\">12.35</td><td class=\"num\">24.69%</td>") in html
    # 李新店镇: XM002, 123,456.78 of 300,000 allocated; 县水利局: 2 projects, 1 started
    assert "<th scope=\"row\">李新店镇</th><td class=\"num\">1</td><td class=\"num\">30.00</td>" \
           "<td class=\"num\">12.35</td><td class=\"num\">41.15%</td>" in html
    assert "<th scope=\"row\">县水利局</th><td class=\"num\">2</td><td class=\"num\">1</td>" \
           "<td class=\"num\">50.00%</td><td class=\"num\">1</td><td class=\"num\">50.00%</td>" \
        in html
    assert "<th scope=\"row\">7月</th><td colspan=\"5\" class=\"muted\">—</td>" in html


def test_the_data_the_script_draws(viewer):
    data = viewer.get("/charts/data.json?as_of=2024-06-30").get_json()
    assert data["as_of"] == "2024-06-30" and data["year"] == 2024
    channels = {c["name"].split()[0]: (c["rate"], c["label"]) for c in data["channels"]}
    assert channels == {"DX01": (0.5, "50.00%"), "SJ01": (0.2469, "24.69%"),
                        "ZY01": (0.4375, "43.75%")}
    units = {u["name"]: (u["start_rate"], u["completion_rate"]) for u in data["units"]}
    assert units == {"县交通运输局": (1.0, 0.0), "县水利局": (0.5, 0.5)}
    months = {m["month"]: m for m in data["months"]}
    assert months[3] == {"month": 3, "spent": 35.0, "spent_to_date": 35.0,
                         "arrived_to_date": 130.0, "recovered": 0.0, "recovered_to_date": 0.0}
    assert months[6]["spent_to_date"] == 52.35 and months[7]["spent"] is None
    r = viewer.get("/charts/data.json?as_of=2024-13-01")
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "as_of"


def test_a_bad_date_is_a_message_not_an_error(viewer):
    r = viewer.get("/charts/?as_of=yesterday")
    assert r.status_code == 400 and "不是有效日期" in r.get_data(as_text=True)


def test_the_monthly_page_offers_the_paragraph_to_copy(viewer):
    html = viewer.get("/report/monthly?as_of=2024-06-30").get_data(as_text=True)
    assert "截至2024年6月30日,测试县财政涉农资金共140.00万元" in html
    assert 'data-copy-target="monthly-paragraph"' in html and "/static/js/copy.js" in html
    assert "<script>" not in html
    # the carry-over sentence and its figures, linked to the 结转结余 report
    assert "上年结转0.00万元,本年到位140.00万元" in html
    assert 'class="monthly-carryover"' in html and "87.65" in html
    assert 'href="/ledger/carryover?as_of=2024-06-30"' in html


def test_the_monthly_report_defaults_to_the_last_month_end(app, viewer, monkeypatch):
    """月报 without a date is for the month that has ended, not for today (issue 13)."""
    import fundtrack.charts.monthly as page
    from fundtrack.ledger.monthly import last_month_end

    assert last_month_end(dt.date(2024, 7, 5)) == dt.date(2024, 6, 30)
    assert last_month_end(dt.date(2024, 3, 1)) == dt.date(2024, 2, 29)
    assert last_month_end(dt.date(2025, 1, 31)) == dt.date(2024, 12, 31)
    monkeypatch.setattr(page, "today", lambda: dt.date(2024, 7, 5))
    html = viewer.get("/report/monthly").get_data(as_text=True)
    assert "截至2024年6月30日,测试县" in html
    assert 'name="as_of" value="2024-06-30"' in html
    # a date asked for is kept
    html = viewer.get("/report/monthly?as_of=2024-07-03").get_data(as_text=True)
    assert "截至2024年7月3日" in html


@pytest.mark.parametrize("path", ["/?as_of=2024-06-30", "/report/monthly?as_of=2024-06-30",
                                  "/ledger/projects?as_of=2024-06-30", "/charts/",
                                  "/warnings/", "/funds/"])
def test_the_year_is_chosen_from_a_list_on_every_page(viewer, path):
    """年度 is one chooser everywhere: a list of the ledger's years, never free text."""
    html = viewer.get(path + ("&" if "?" in path else "?") + "year=2023").get_data(
        as_text=True)
    chooser = re.search(r'<label>年度\s*<select name="year">(.*?)</select>', html, re.S)
    assert chooser, path
    options = re.findall(r'<option value="([^"]*)"( selected)?>', chooser.group(1))
    assert options[0] == ("", "") and ("2023", " selected") in options, (path, options)
    assert 'type="number" name="year"' not in html
