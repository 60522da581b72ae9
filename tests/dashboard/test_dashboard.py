"""首页: the figures by channel category add up to the fund ledger, and the page shows
the ledger's figures (rates as percentages, amounts in 万元)."""

from __future__ import annotations

from decimal import Decimal

from fundtrack.formatting import money
from fundtrack.ledger import by_category, fund_ledger, overdue_list, summary
from fundtrack.ledger.dashboard import category_total
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.money import format_rate
from tests.conftest import login
from tests.dashboard.county import AS_OF, build_county
from tests.factories import day


def test_categories_add_up_to_the_fund_ledger(app):
    build_county(app)
    with app.app_context():
        for filt in (LedgerFilter(), LedgerFilter(year=2024), LedgerFilter(township="城关镇")):
            rows = by_category(day(AS_OF), filt)
            ledger_total = fund_ledger(day(AS_OF), filt).total
            total = category_total(rows)
            for key in ("amount_issued", "arrived", "allocated", "spent", "balance",
                        "arrival_rate", "spending_rate"):
                assert total[key] == ledger_total[key], (filt, key)


def test_categories_as_the_monthly_report_states_them(app):
    build_county(app)
    with app.app_context():
        rows = {r["category"]: r for r in by_category(day(AS_OF))}
    assert list(rows) == ["财政专项扶贫资金", "统筹整合涉农资金", "东西部协作资金",
                          "社会帮扶资金", "其他"]
    poverty = rows["财政专项扶贫资金"]
    assert (poverty["amount_issued"], poverty["arrived"], poverty["spent"]) == (
        Decimal("1000000.00"), Decimal("800000.00"), Decimal("350000.00"))
    assert poverty["spending_rate"] == Decimal("0.4375")
    assert rows["统筹整合涉农资金"]["spending_rate"] == Decimal("0.2469")
    assert rows["社会帮扶资金"]["sources"] == 0
    assert rows["社会帮扶资金"]["spending_rate"] is None
    # as of a date before anything arrived, nothing is spent yet
    with app.app_context():
        early = {r["category"]: r for r in by_category(day("2024-01-15"))}
    assert early["财政专项扶贫资金"]["arrived"] == Decimal("0.00")
    assert early["财政专项扶贫资金"]["spending_rate"] is None


def test_dashboard_shows_the_ledger_figures(app, client, users):
    build_county(app)
    with app.app_context():
        total = fund_ledger(day(AS_OF)).total
        progress = summary(day(AS_OF)).total
        overdue = overdue_list(day(AS_OF), page=1, per_page=10)
    login(client, users["viewer"])
    r = client.get(f"/?as_of={AS_OF}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "截至2024年06月30日" in html
    # 523,456.78 spent of 1,400,000.00 arrived: 37.39%, 52.35 万元
    assert total["spending_rate"] == Decimal("0.3739")
    assert "37.39%" in html and format_rate(total["spending_rate"]) in html
    assert "52.35" in html and money(total["spent"], "wan") in html
    assert "140.00" in html  # arrived, 万元
    for category, rate in (("财政专项扶贫资金", "43.75%"), ("统筹整合涉农资金", "24.69%"),
                           ("东西部协作资金", "50.00%")):
        assert category in html and rate in html
    # start 2/3, completion 1/3, investment 523,456.78 / 1,000,000.00
    assert progress["start_rate"] == Decimal("0.6667")
    assert "66.67%" in html and "33.33%" in html and "52.35%" in html
    # the longest overdue first, with unit and person
    assert [r["project_code"] for r in overdue.rows] == ["XM002", "XM001"]
    assert html.index("XM002") < html.index("XM001", html.index("逾期时间最长"))
    assert "县水利局" in html and "张三" in html
    assert 'style="width: 43.75%"' in html
    assert "/ledger/projects?as_of=2024-06-30" in html


def test_dashboard_year_filter_and_default_date(app, client, users):
    build_county(app)
    login(client, users["viewer"])
    assert client.get("/").status_code == 200  # today
    html = client.get(f"/?as_of={AS_OF}&year=2024").get_data(as_text=True)
    # 2024 projects XM001 and XM002: 473,456.78 spent; 2 projects, 1 started
    assert "47.35" in html and "52.35" not in html
    assert "50.00%" in html  # start rate 1/2
    assert "/ledger/funds?as_of=2024-06-30&amp;year=2024" in html


def test_bad_date_is_a_message_not_an_error(app, client, users):
    login(client, users["viewer"])
    r = client.get("/?as_of=2024-13-01")
    assert r.status_code == 400
    assert "不是有效日期" in r.get_data(as_text=True)


def test_every_role_sees_the_dashboard(app, client, users):
    for role in users:
        login(client, users[role])
        assert client.get("/").status_code == 200, role


def test_the_report_line_names_the_configured_region(app, client, users):
    """The sentence the leaders read out says the county's name, not 全县."""
    build_county(app)
    app.config["FUNDTRACK_REGION"] = "青山县"
    login(client, users["viewer"])
    html = client.get(f"/?as_of={AS_OF}").get_data(as_text=True)
    assert "截至2024年06月30日,青山县财政涉农资金共下达" in html
    assert "全县" not in html


def test_a_managers_home_shows_their_units_figures(app, client, users):
    """A manager of 县交通运输局 (XM001 only) sees their unit's figures on 首页, with a
    link to the whole county's; others see the county (issue 13: 红 119 instead of 17)."""
    import re

    build_county(app)
    login(client, users["manager"])
    html = client.get(f"/?as_of={AS_OF}").get_data(as_text=True)
    assert "县交通运输局 财政涉农资金统筹整合" in html
    line = re.search(r'<p class="report-line">(.*?)</p>', html, re.S).group(1)
    line = re.sub(r"<[^>]+>|\s+", "", line)
    # XM001: allocated 600,000, spent 350,000 (58.33%); one project, started, not completed
    assert "县交通运输局项目共安排资金60.00万元,已支出35.00万元,支出率58.33%" in line
    assert "实施项目1个,已开工1个" in line
    assert 'data-load="/warnings/counts?as_of=2024-06-30&amp;unit=' in html
    assert "按资金类别" not in html  # a channel's issued and arrived money is the county's
    assert 'href="/?as_of=2024-06-30&amp;unit="' in html and "查看全县数据" in html
    # the unit's overdue milestones only: XM001 完工, not XM002's 开工; codes link
    assert "XM002" not in html
    assert f'<a href="/projects/XM001?as_of={AS_OF}">XM001</a>' in html
    counts = client.get("/warnings/counts?as_of=2024-06-30&unit=县交通运输局")
    county = client.get("/warnings/counts?as_of=2024-06-30&unit=")
    assert counts.get_data(as_text=True) != county.get_data(as_text=True)
    # the whole county on request, with the way back
    html = client.get(f"/?as_of={AS_OF}&unit=").get_data(as_text=True)
    assert "实施项目 3 个" in html and "按资金类别" in html and "只看本单位(县交通运输局)" in html
    # everyone else: the county, no unit note
    client.post("/logout")
    login(client, users["viewer"])
    html = client.get(f"/?as_of={AS_OF}").get_data(as_text=True)
    assert "实施项目 3 个" in html and "scope-note" not in html
