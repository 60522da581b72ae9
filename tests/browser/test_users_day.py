"""A day's work in a real browser: the clerk's payment, a refused overspend, a manager's
milestone, an auditor's download."""

from __future__ import annotations

import re

import openpyxl
import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, milestone, pay, project, source


@pytest.fixture
def county(app, users):
    """ZY01: 300,000 arrived; XM001 (县交通运输局) allocated 200,000 of it, 80,000 paid;
    its 开工 was planned for 2024-04-01 and is overdue."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "300000.00", "2024-03-01")
        p1 = project("XM001", unit="县交通运输局")
        allocate(p1, zy, "200000.00")
        pay("PZ1", p1, zy, "80000.00", "2024-03-05")
        milestone(p1, K.STARTED, planned="2024-04-01")
    return users


def _row(page, text: str) -> str:
    return page.locator("tr", has_text=text).first.inner_text()


def test_clerk_posts_a_payment_and_the_figures_move(live_server, page, county):
    sign_in(page, live_server, county["finance"], PASSWORD)
    page.goto(f"{live_server}/funds/payments/new?project=XM001&source=ZY01")
    # what is left is shown before the clerk types the amount
    availability = page.locator("#availability")
    assert "120,000.00" in availability.inner_text()
    page.fill("#voucher_no", "PZ2")
    page.fill("#paid_on", "2024-03-10")
    page.fill("#amount", "20000")
    page.fill("#payee", "县路桥工程公司")
    shoot(page, "payment-form")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/projects/XM001"))
    shoot(page, "project-after-payment")
    assert "50.00%" in page.inner_text("main")  # 100,000 of 200,000
    page.goto(f"{live_server}/ledger/funds")
    row = _row(page, "ZY01")
    assert "100,000.00" in row and "33.33%" in row  # spent / arrived 300,000


def test_overspend_is_refused_with_its_reason_on_the_form(live_server, page, county):
    sign_in(page, live_server, county["finance"], PASSWORD)
    page.goto(f"{live_server}/funds/payments/new?project=XM001&source=ZY01")
    page.fill("#voucher_no", "PZ9")
    page.fill("#paid_on", "2024-03-10")
    page.fill("#amount", "120000.01")
    # the refusal is a page of its own (wait_for_load_state would find the form's loaded)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shoot(page, "payment-refused")
    assert "超出安排资金" in page.inner_text("main")
    assert page.input_value("#voucher_no") == "PZ9"  # what the clerk typed is kept
    page.goto(f"{live_server}/ledger/projects")
    assert "80,000.00" in _row(page, "XM001")


def test_manager_sets_an_actual_date_and_it_leaves_the_overdue_list(live_server, page, county):
    sign_in(page, live_server, county["manager"], PASSWORD)
    page.goto(f"{live_server}/ledger/overdue")
    assert "XM001" in page.inner_text("main")
    page.goto(f"{live_server}/milestones/")
    row = page.locator("tr", has_text="XM001").first
    row.locator("input[type=date]").fill("2024-04-03")
    # saved once answered: the page opened next would cancel the save
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    shoot(page, "milestone-done")
    page.goto(f"{live_server}/ledger/overdue")
    assert "XM001" not in page.inner_text("main")


def test_auditor_downloads_the_workbook_with_the_screen_figures(live_server, page, county,
                                                                 tmp_path):
    sign_in(page, live_server, county["auditor"], PASSWORD)
    page.goto(f"{live_server}/ledger/projects")
    on_screen = _row(page, "XM001")
    assert "80,000.00" in on_screen and "40.00%" in on_screen
    with page.expect_download() as info:
        page.click("text=下载审计工作簿")
    path = tmp_path / "book.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book["项目台账"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "项目编号")
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "XM001")
    book.close()  # a read-only workbook keeps its file open until closed
    figures = dict(zip(header, row, strict=True))
    assert f"{figures['已支出']:,.2f}" in on_screen
    assert f"{figures['支出率']:.2%}" in on_screen
