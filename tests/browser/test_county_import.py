"""Finance brings a county's own ledger in through the browser: upload, the header found,
the mapping proposed and corrected (a channel chosen), the check, the confirmation, the
mapping saved; next month the saved mapping makes it one step."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from fundtrack.database import unit_of_work
from fundtrack.enums import Level
from fundtrack.ledger import project_ledger
from fundtrack.projects.service import get_or_create_unit
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.factories import arrive, source
from tests.workbook import county_books as books


def test_finance_maps_checks_and_imports_a_county_ledger(app, live_server, page, users,
                                                         tmp_path):
    with app.app_context(), unit_of_work("测试"):
        # two 中央 channels of 2024: the proposal cannot choose, the user does
        for code, level in (("ZY2024", Level.CENTRAL), ("ZY2024B", Level.CENTRAL),
                            ("SJ2024", Level.PROVINCIAL)):
            arrive(source(code, "50000000.00", level=level, year=2024), "20000000.00",
                   "2024-01-15")
        for unit in books.ZHENGYANG_UNITS:
            get_or_create_unit(unit)
    ledger = books.zhengyang(tmp_path / "正阳县台账.xlsx")
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.click("nav.site-nav >> text=导入")
    page.click("main >> text=导入县级台账")
    # the standard import's page has a file input and an 上传… button too
    page.wait_for_url("**/import/county/")
    page.set_input_files("input[name=workbook]", str(ledger.path))
    with page.expect_navigation():
        page.click("button:text('上传')")
    main = page.inner_text("main")
    assert "表头在第 3、4 行" in main and "截止2024年9月30日" in main
    assert page.input_value("input[name=as_of]") == "2024-09-30"
    # the proposal: 万元 from the header names, the 省级 channel found, 中央 left open
    assert page.input_value("select[name=col-6-unit]") == "万元"
    assert page.input_value("select[name=col-7-source]") == "SJ2024"
    assert page.input_value("select[name=col-6-source]") == ""
    # a channel's and a unit's choice only where they mean something
    assert page.is_hidden("select[name=col-0-unit]")
    assert page.is_hidden("select[name=col-1-source]")
    assert page.is_visible("select[name=col-5-unit]")
    assert page.is_hidden("select[name=col-5-source]")
    page.select_option("select[name=col-0-field]", "paid")
    expect(page.locator("select[name=col-0-source]")).to_be_visible()
    page.select_option("select[name=col-0-field]", "")
    with page.expect_navigation():
        page.click("button[value=check]")
    assert "未对应资金渠道" in page.inner_text("main")
    page.select_option("select[name=col-6-source]", "ZY2024")
    page.select_option("select[name=col-9-source]", "ZY2024")
    page.fill("input[name=save_as]", "正阳县衔接资金台账")
    with page.expect_navigation():
        page.click("button[value=check]")
    main = page.inner_text("main")
    assert "检查通过(尚未写入):新增项目 3 个" in main and "无凭证明细" in main
    assert "台账合计行核对" in main and "不一致" not in main
    shoot(page, "county-import-check")
    with app.app_context():
        assert project_ledger(dt.date(2025, 1, 1)).count == 0
    # the import is done when its answer's page is shown, not when the button is clicked
    with page.expect_navigation():
        page.click("button[value=confirm]")
    assert "已导入" in page.inner_text("main")
    with app.app_context():
        total = project_ledger(dt.date(2025, 1, 1)).total
        assert (total["allocated"], total["spent"]) == (ledger.allocated, ledger.paid)
    # next month's file: the saved mapping opens it mapped and checked; confirm is all
    page.click("main >> text=导入县级台账") if page.locator(
        "main >> text=导入县级台账").count() else page.goto(f"{live_server}/import/county/")
    page.set_input_files("input[name=workbook]", str(ledger.path))
    page.select_option("select[name=mapping]", "正阳县衔接资金台账")
    with page.expect_navigation():
        page.click("button:text('上传')")
    assert "检查通过(尚未写入):新增项目 0 个,更新已有项目 3 个" in page.inner_text("main")
    shoot(page, "county-import-next-month")
    with page.expect_navigation():
        page.click("button[value=confirm]")
    assert "已导入" in page.inner_text("main")
