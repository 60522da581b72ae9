"""公示: the public pages open without signing in, show the ledger's figures, and never a
person, a phone number, a payee, a voucher or a user name."""

from __future__ import annotations

import re
from decimal import Decimal

from fundtrack.clock import today
from fundtrack.database import unit_of_work
from fundtrack.formatting import money
from fundtrack.ledger import LedgerFilter, allocation_ledger, project_ledger
from fundtrack.ledger.public import places
from tests.conftest import login
from tests.disclosure.county import (
    PAYEE,
    PERSON,
    PHONE,
    SCOPE,
    SECRETS,
    county_fixture,  # noqa: F401  (the `county` fixture)
)
from tests.factories import project
from tests.funds.pages import text

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

PUBLIC_PAGES = (
    "/public/", "/public/?q=东村", "/public/?township=城关镇",
    "/public/?township=城关镇&village=东村",
    "/public/?year=2024", "/public/projects/XM001", "/public/projects/XM002",
    "/public/projects/XM003",
)


def assert_no_personal_data(html: str, users: dict, where: str) -> None:
    for secret in SECRETS:
        assert secret not in html, (where, secret)
    assert not MOBILE.search(html), (where, MOBILE.search(html).group(0))
    for name in users.values():
        assert not re.search(rf"\b{name}\b", html), (where, name)


def test_anonymous_visitors_open_every_public_page(client, county):
    for path in PUBLIC_PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert "工作人员登录" in html and 'class="site-nav"' not in html, path


def test_public_pages_leak_no_personal_data(app, client, county):
    # the data really is there, on the staff page
    staff = app.test_client()
    login(staff, county["admin"])
    staff_html = staff.get("/projects/XM001").get_data(as_text=True)
    assert PHONE in staff_html and PERSON in staff_html and PAYEE in staff_html
    for path in PUBLIC_PAGES:
        assert_no_personal_data(client.get(path).get_data(as_text=True), county, path)
    # a signed-in user sees the same public page, without their own name on it
    for path in PUBLIC_PAGES:
        html = staff.get(path).get_data(as_text=True)
        assert_no_personal_data(html, county, f"signed in: {path}")
        assert "admin" not in html and "退出" not in html and "返回工作台" in html


def test_project_page_shows_the_public_facts(client, county):
    page = text(client.get("/public/projects/XM001"))
    for fact in ("东村通村道路硬化工程", "城关镇 东村", SCOPE, "500,000.00", "县交通运输局",
                 "中央财政衔接推进乡村振兴补助资金ZY01", "中央", "省级财政衔接资金", "省级"):
        assert fact in page, fact
    # 开工 planned and actual, 完工 planned and actual
    assert "开工 2024-03-01 2024-03-05" in page
    assert "完工 2024-09-30 2024-09-28" in page
    r = client.get("/public/projects/XM404")
    assert r.status_code == 404


def test_channel_amounts_equal_the_allocation_ledger_as_of_today(app, client, county):
    page = text(client.get("/public/projects/XM001"))
    with app.app_context():
        ledger = allocation_ledger(today(), LedgerFilter(project_code="XM001"))
    by_source = {r["source_name"]: r["allocated"] for r in ledger.rows}
    # ZY02: 5万 − 2万; the 1万 dated next month does not count yet
    assert by_source["省级财政衔接资金"] == Decimal("30000.00")
    for name, amount in by_source.items():
        assert f"{name} " in page and f" {money(amount)} " in page, name
    assert f"合计 {money(ledger.total['allocated'])}" in page
    assert money(ledger.total["allocated"]) == "230,000.00"
    # paid amounts and balances are not what this page discloses
    assert "80,000.00" not in page


def test_township_and_village_totals_equal_the_project_ledger(app, client, county):
    page = text(client.get("/public/"))
    with app.app_context():
        as_of = today()
        for town in ("城关镇", "东关乡"):
            ledger = project_ledger(as_of, LedgerFilter(township=town))
            assert f"{town} 小计 {ledger.count} {money(ledger.total['total_investment'])}" \
                in page, town
        everything = project_ledger(as_of)
        village = project_ledger(as_of, LedgerFilter(township="城关镇", village="东村"))
    assert f"合计 {everything.count} {money(everything.total['total_investment'])}" in page
    assert "合计 3 1,000,000.00" in page
    assert f"东村 {village.count} {money(village.total['total_investment'])}" in page
    # a township's own projects (no village) are a line of their own
    assert "(乡镇级) 1 200,000.00" in page


def test_filters_and_search(client, county):
    page = text(client.get("/public/?year=2023"))
    assert "XM003" in page and "XM001" not in page and "合计 1 200,000.00" in page
    page = text(client.get("/public/?township=东关乡"))
    assert "XM002" in page and "XM001" not in page
    page = text(client.get("/public/?q=通村道路"))
    assert "XM001" in page and "XM002" in page and "XM003" in page
    page = text(client.get("/public/?q=东村通村"))
    assert "XM001" in page and "XM002" not in page
    page = text(client.get("/public/?q=没有这个项目"))
    assert "没有符合条件的项目" in page
    r = client.get("/public/?year=二〇二四")
    assert r.status_code == 400 and "不是整数" in text(r)


def test_paging_twenty_a_page(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        for i in range(20):
            project(f"XP{i:03d}", "1000.00", township="石桥镇", village="石桥村")
    first = text(client.get("/public/?township=石桥镇"))
    assert "共 20 个项目,第 1 / 1 页" in first
    everything = text(client.get("/public/"))
    assert "共 23 个项目,第 1 / 2 页" in everything and "下一页" in everything
    second = text(client.get("/public/?page=2"))
    assert "第 2 / 2 页" in second and "上一页" in second
    assert len(re.findall(r"\bX[MP]\d{3}\b", second.split("项目名单")[1])) == 3
    # a page number that is no page number shows the first page
    assert "第 1 / 2 页" in text(client.get("/public/?page=abc"))


def test_places_function_sums_like_the_ledger(app, county):
    with app.app_context():
        townships, total = places(LedgerFilter())
        assert [(t.name, t.projects, t.total_investment) for t in townships] == [
            ("东关乡", 1, Decimal("300000.00")), ("城关镇", 2, Decimal("700000.00"))]
        assert [(v.name, v.projects) for v in townships[1].villages] == [(None, 1), ("东村", 1)]
        assert (total.projects, total.total_investment) == (3, Decimal("1000000.00"))


def test_public_pages_cost_a_fixed_number_of_statements(app, client, county,
                                                        count_statements):
    def statements(path):
        return count_statements(client, path)

    index_small, project_small = statements("/public/"), statements("/public/projects/XM001")
    with app.app_context(), unit_of_work("测试"):
        for i in range(15):
            project(f"XQ{i:03d}", "1000.00", township=f"镇{i % 4}", village=f"村{i}")
    assert statements("/public/") == index_small
    assert statements("/public/projects/XM001") == project_small
    assert index_small <= 6 and project_small <= 6
