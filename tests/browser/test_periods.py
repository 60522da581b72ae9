"""Finance closes a month in the browser: the figures first, then the confirmation."""

from __future__ import annotations

from fundtrack.database import unit_of_work
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, pay, project, source


def test_finance_closes_a_month(app, live_server, page, users):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2025-09-10")
        prj = project("XM001")
        allocate(prj, src, "300000.00", "2025-09-12")
        pay("PZ0001", prj, src, "123456.78", "2025-09-30")
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.click("nav.site-nav >> text=月结")
    page.fill("input[name=month]", "2025-09")
    with page.expect_navigation():
        page.click("text=下一步:核对数字")
    assert "123,456.78" in page.inner_text("main")
    shoot(page, "periods-confirm")
    with page.expect_navigation():
        page.click("text=确认月结 2025-09")
    main = page.inner_text("main")
    assert "已月结 2025-09" in main and "已结账至 2025-09-30" in main and "一致" in main
    shoot(page, "periods-list")
