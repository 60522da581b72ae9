"""Rough edges of the screens as a user sees them (issue 13 §4), in the real browser."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, pay, project, source

LONG = "某某县农村公路建设养护工程有限责任公司第三项目部(收款专户)"


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "900000.00", "2024-03-01")
        p1 = project("XM001", unit="县交通运输局")
        allocate(p1, zy, "800000.00")
        for i in range(5):
            pay(f"2024-ZF-00012345{i}", p1, zy, "10000.00", f"2024-03-0{i + 5}",
                memo=LONG * 2)
    return users


def _lines(page, selector: str) -> list[int]:
    """How many lines each matching cell's text takes."""
    return page.eval_on_selector_all(selector, """cells => cells.map(td => {
        const r = document.createRange(); r.selectNodeContents(td);
        return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; })""")


def test_payments_list_keeps_vouchers_and_dates_on_one_line_at_1440(live_server, page,
                                                                     county):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, county["auditor"], PASSWORD)
    page.goto(f"{live_server}/funds/payments")
    rows = page.locator("table.payments tbody tr")
    assert rows.count() == 5
    assert _lines(page, "table.payments tbody td:nth-child(1)") == [1] * 5  # 凭证号
    assert _lines(page, "table.payments tbody td:nth-child(2)") == [1] * 5  # 支付日期
    total = page.locator("table.payments tfoot tr.total")
    assert "50,000.00" in total.inner_text() and "合计" in total.inner_text()
    assert page.locator("a[href^='/funds/payments.xlsx']").is_visible()
    shoot(page, "payments-1440")


def test_sortable_headers_look_clickable_and_project_codes_link(live_server, page, county):
    sign_in(page, live_server, county["finance"], PASSWORD)
    page.goto(f"{live_server}/ledger/projects?as_of=2024-06-30")
    link = page.locator("table.ledger thead th.sortable a").first
    assert "underline" in link.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert link.evaluate("e => getComputedStyle(e).cursor") == "pointer"
    assert link.locator(".sort-arrow").is_visible()
    link.click()
    page.wait_for_url("**sort=project_code**")
    sorted_th = page.locator("table.ledger thead th[aria-sort]")
    assert sorted_th.count() == 1 and sorted_th.get_attribute("aria-sort") == "ascending"
    # a project code in the ledger opens the project, whose page offers the money actions
    page.click("table.ledger tbody >> text=XM001")
    page.wait_for_url("**/projects/XM001**")
    assert page.locator(".project-money-actions >> text=登记支出").is_visible()
    assert page.locator(".project-money-actions button:has-text('资金安排')").is_visible()
    page.select_option(".project-money-actions select[name=source]", "ZY01")
    page.click(".project-money-actions button:has-text('资金安排')")
    page.wait_for_url("**/funds/ZY01/allocate?project=XM001")
    assert page.input_value("input[name=project_code]") == "XM001"
    shoot(page, "allocate-from-project")
