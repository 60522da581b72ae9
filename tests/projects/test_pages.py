"""项目库 and the project page, as a user reads them."""

from __future__ import annotations

import re

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.ledger import LedgerFilter, allocation_ledger
from fundtrack.money import format_money
from tests.conftest import login
from tests.factories import allocate, arrive, day, milestone, pay, project, reverse, source


def make_projects(app, n: int, *, overdue_every: int = 0):
    """n projects XM001..; every ``overdue_every``-th has 开工 planned 2024-03-01, not done."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "100000000.00")
        arrive(zy, "100000000.00", "2024-01-01")
        for i in range(1, n + 1):
            p = project(f"XM{i:03d}", township="城关镇" if i % 2 else "东关乡",
                        unit="县交通运输局" if i % 3 else "县水利局")
            allocate(p, zy, "10000.00")
            pay(f"PZ{i:03d}", p, zy, "1000.00", "2024-02-01")
            milestone(p, K.APPROVED, planned="2024-01-01", done="2024-01-02")
            if overdue_every and i % overdue_every == 0:
                milestone(p, K.STARTED, planned="2024-03-01")


def row_codes(html: str) -> list[str]:
    return re.findall(r'<td><a href="/projects/(XM\d+)\?', html)


def test_sixty_projects_make_two_pages(app, client, users):
    make_projects(app, 60)
    login(client, users["viewer"])
    first = client.get("/projects/?as_of=2024-06-30").get_data(as_text=True)
    assert len(row_codes(first)) == 50 and "共 60 条,第 1 / 2 页" in first
    second = client.get("/projects/?as_of=2024-06-30&page=2").get_data(as_text=True)
    assert row_codes(second) == [f"XM{i:03d}" for i in range(51, 61)]
    assert "合计(60 个项目)" in second  # the total covers every page


def test_overdue_only_search_and_filters(app, client, users):
    make_projects(app, 12, overdue_every=4)
    login(client, users["viewer"])
    html = client.get("/projects/?as_of=2024-06-30&overdue=1").get_data(as_text=True)
    assert row_codes(html) == ["XM004", "XM008", "XM012"]
    # before the plan date nothing is overdue
    html = client.get("/projects/?as_of=2024-03-01&overdue=1").get_data(as_text=True)
    assert row_codes(html) == [] and "没有符合条件的项目" in html
    html = client.get("/projects/?q=XM01").get_data(as_text=True)
    assert row_codes(html) == ["XM010", "XM011", "XM012"]
    html = client.get("/projects/?township=东关乡&unit=县水利局").get_data(as_text=True)
    assert row_codes(html) == ["XM006", "XM012"]
    html = client.get("/projects/?reached=开工&as_of=2024-06-30").get_data(as_text=True)
    assert row_codes(html) == []
    html = client.get("/projects/?reached=立项入库&as_of=2024-06-30").get_data(as_text=True)
    assert len(row_codes(html)) == 12


def test_sorting_by_a_column_header(app, client, users):
    make_projects(app, 5, overdue_every=2)
    login(client, users["viewer"])
    html = client.get("/projects/?as_of=2024-06-30&sort=-project_code").get_data(as_text=True)
    assert row_codes(html) == ["XM005", "XM004", "XM003", "XM002", "XM001"]
    html = client.get("/projects/?as_of=2024-06-30&sort=-overdue_count").get_data(as_text=True)
    assert row_codes(html)[:2] == ["XM002", "XM004"]
    assert 'href="?sort=project_code&amp;page=1"' in client.get("/projects/").get_data(
        as_text=True)


def test_sorting_by_spending_rate_keeps_no_rate_last_both_ways(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "1000000.00", "2024-01-01")
        half, nothing_spent, none = project("XM001"), project("XM002"), project("XM003")
        allocate(half, zy, "10000.00")
        pay("PZ001", half, zy, "5000.00", "2024-02-01")
        allocate(nothing_spent, zy, "10000.00")
        allocate(none, zy, "10000.00")
        allocate(none, zy, "-10000.00")
    login(client, users["viewer"])
    html = client.get("/projects/?as_of=2024-06-30&sort=spending_rate").get_data(as_text=True)
    assert row_codes(html) == ["XM002", "XM001", "XM003"]
    html = client.get("/projects/?as_of=2024-06-30&sort=-spending_rate").get_data(as_text=True)
    assert row_codes(html) == ["XM001", "XM002", "XM003"]


def test_bad_filter_values_are_explained_not_500(app, client, users):
    make_projects(app, 1)
    login(client, users["viewer"])
    for query in ("as_of=2024-13-01", "year=abc", "sort=nothing", "reached=竣工",
                  "priority=maybe"):
        r = client.get(f"/projects/?{query}")
        assert r.status_code == 400, query
        assert 'class="flash flash-error"' in r.get_data(as_text=True)


def test_dropdowns_offer_the_values_of_the_projects(app, client, users):
    make_projects(app, 3)
    login(client, users["viewer"])
    html = client.get("/projects/").get_data(as_text=True)
    for value in ("城关镇", "东关乡", "县交通运输局", "县水利局", "2024", "基础设施"):
        assert f'<option value="{value}">{value}</option>' in html


def test_amounts_switch_to_wan_yuan(app, client, users):
    make_projects(app, 1)
    login(client, users["viewer"])
    html = client.get("/projects/?as_of=2024-06-30&money=wan").get_data(as_text=True)
    assert "金额单位:万元" in html and ">50.00</td>" in html  # 500000.00 元 总投资


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_page_issues_the_same_statements_for_5_and_50_projects(app, client, users, n,
                                                                        count_statements):
    make_projects(app, n, overdue_every=3)
    login(client, users["viewer"])
    count = count_statements(client, "/projects/?as_of=2024-06-30&overdue=1")
    # the user, the data's version (figures are kept until it changes), the 4 dropdowns,
    # the rows, the total (which counts the rows too)
    assert count == 8, count


# --- the project page -------------------------------------------------------------------


@pytest.fixture
def one_project(app):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00", name="中央衔接资金")
        sj = source("SJ01", "500000.00", name="省级衔接资金")
        arrive(zy, "600000.00", "2024-01-01")
        arrive(sj, "300000.00", "2024-01-01")
        p = project("XM001", total_investment="800000.00")
        project("XM002")
        allocate(p, zy, "400000.00")
        allocate(p, sj, "200000.00")
        first = pay("PZ001", p, zy, "100000.00", "2024-03-01")
        pay("PZ002", p, sj, "50000.00", "2024-04-01")
        reverse("PZ003", first, "-20000.00", "2024-04-05")
        milestone(p, K.APPROVED, planned="2024-01-10", done="2024-01-12")
        milestone(p, K.DESIGNED, planned="2024-02-01", done="2024-02-10")
        milestone(p, K.STARTED, planned="2024-03-01")
        milestone(p, K.COMPLETED, planned="2024-08-01")
    return app


def test_project_page_shows_the_channel_figures_of_the_allocation_ledger(
        one_project, client, users):
    login(client, users["auditor"])
    html = client.get("/projects/XM001?as_of=2024-06-30").get_data(as_text=True)
    with one_project.app_context():
        report = allocation_ledger(day("2024-06-30"), LedgerFilter(project_code="XM001"))
    assert [r["source_code"] for r in report.rows] == ["SJ01", "ZY01"]
    for r in [*report.rows, report.total]:
        cells = "".join(f'<td class="num">{v}</td>' for v in (
            f"{r['allocated']:,.2f}", f"{r['spent']:,.2f}",
            format_money(r["spending_rate"] * 100) + "%", f"{r['balance']:,.2f}"))
        assert cells in html, r
    assert "80,000.00" in html and "20.00%" in html  # ZY01: 100000 − 20000 of 400000


def test_project_page_lists_payments_newest_first_with_reversals_linked(
        one_project, client, users):
    login(client, users["viewer"])
    html = client.get("/projects/XM001").get_data(as_text=True)
    html = html[html.index('<table class="payments">'):]
    assert html.index("PZ003") < html.index("PZ002") < html.index('id="voucher-PZ001"')
    assert '冲销 <a href="#voucher-PZ001">PZ001</a>' in html
    assert "已冲销 20,000.00" in html
    # total investment 800000 > threshold 100000 and no 招标完成: a warning per payment
    full = client.get("/projects/XM001").get_data(as_text=True)
    assert "超过招标限额" in full and "凭证 PZ001" in full and "凭证 PZ003" not in full


def test_project_page_timeline_rows_in_the_fixed_order(one_project, client, users):
    login(client, users["viewer"])
    html = client.get("/projects/XM001?as_of=2024-06-30").get_data(as_text=True)
    rows = re.findall(r'<tr class="tl-(\w+)">\s*<th scope="row">(\S+)</th>', html)
    assert rows == [
        ("done", "立项入库"), ("done", "设计预算完成"), ("pending", "项目评审"),
        ("pending", "招标完成"), ("overdue", "开工"), ("pending", "完工"),
        ("pending", "验收"), ("pending", "报账"),
    ]
    assert "逾期121天" in html  # 2024-03-01 → 2024-06-30
    assert html.count('class="badge green">已完成') == 2
    assert 'class="tl-plan" style="left: 0.0%;' in html  # the first plan starts the range


def test_edit_link_only_for_those_who_may_edit(one_project, client, users):
    login(client, users["manager"])  # 县交通运输局, the project's unit
    assert "编辑节点" in client.get("/projects/XM001").get_data(as_text=True)
    client.post("/logout")
    login(client, users["finance"])
    assert "编辑节点" not in client.get("/projects/XM001").get_data(as_text=True)


def test_unknown_project_is_a_404_page(one_project, client, users):
    login(client, users["viewer"])
    r = client.get("/projects/NOPE")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)


def test_project_page_offers_payment_and_allocation_to_those_allowed(one_project, client,
                                                                     users):
    """登记支出 and 资金安排 from the project page, the forms prefilled with the project;
    only for the roles that may post (issue 13)."""
    login(client, users["finance"])
    html = client.get("/projects/XM001").get_data(as_text=True)
    assert 'href="/funds/payments/new?project=XM001"' in html and ">登记支出<" in html
    assert 'action="/funds/allocate"' in html and ">资金安排<" in html
    assert '<option value="ZY01">ZY01 中央衔接资金(2024)</option>' in html
    # per channel: pay or allocate more from that very channel
    assert 'href="/funds/payments/new?project=XM001&amp;source=ZY01"' in html
    assert 'href="/funds/ZY01/allocate?project=XM001"' in html
    r = client.get("/funds/allocate?project=XM001&source=SJ01")
    assert r.status_code == 302 and r.headers["Location"] == "/funds/SJ01/allocate?project=XM001"
    form = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'value="XM001"' in form
    assert client.get("/funds/allocate?project=XM001&source=NOPE").status_code == 404
    r = client.get("/funds/allocate?project=XM001")  # no channel yet: choose one
    assert r.status_code == 200 and '<option value="SJ01">' in r.get_data(as_text=True)
    for role in ("viewer", "auditor", "manager"):
        client.post("/logout")
        login(client, users[role])
        html = client.get("/projects/XM001").get_data(as_text=True)
        assert "登记支出" not in html and "资金安排" not in html, role
        assert client.get("/funds/allocate?project=XM001&source=ZY01").status_code == 403


def test_sortable_headers_look_sortable(app, client, users):
    make_projects(app, 3)
    login(client, users["viewer"])
    html = client.get("/projects/?sort=-project_code").get_data(as_text=True)
    head = re.search(r'<th scope="col" class="sortable sorted" aria-sort="descending">\s*'
                     r'<a href="\?sort=project_code&amp;page=1"[^>]*>项目编号'
                     r'<span class="sort-arrow" aria-hidden="true">▼</span>', html)
    assert head, html[:3000]
    # the other columns: a link with a faint two-way arrow and no aria-sort
    assert re.search(r'<th scope="col" class="sortable">\s*<a [^>]*>项目名称'
                     r'<span class="sort-arrow" aria-hidden="true">↕</span>', html)
    css = client.get("/static/css/app.css")
    assert "th.sortable a" in css.get_data(as_text=True) and "underline" in css.get_data(
        as_text=True)
    css.close()
