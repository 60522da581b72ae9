"""A finance clerk registers a project's contract in the browser, and the project page
shows allocated / contracted / paid side by side, what is paid beyond the contracts
marked, and the contract with its 质保金; the warnings page lists the red 直接委托."""

from __future__ import annotations

from fundtrack.database import unit_of_work
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, pay, project, source


def test_a_contract_registered_in_the_browser_shows_on_the_project_page(
        app, live_server, page, users):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2024-03-01")
        road = project("XM001", "480000.00")
        allocate(road, src, "300000.00")
        pay("PZ1", road, src, "120000.00", "2024-04-01")
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.goto(f"{live_server}/projects/XM001?as_of=2024-06-30")
    assert "暂无合同" in page.inner_text("table.contracts")
    page.click("text=登记合同")
    page.wait_for_url("**/projects/XM001/contracts/new")
    page.fill("input[name=contract_no]", "确财采〔2024〕12号")
    page.fill("input[name=contractor]", "某某路桥公司")
    page.fill("input[name=amount]", "100000")
    page.fill("input[name=signed_on]", "2024-03-15")
    page.select_option("select[name=tender_method]", label="直接委托")
    page.fill("input[name=retention_rate]", "abc")
    with page.expect_navigation():
        page.click("button:has-text('登记合同')")
    assert "不是有效的百分比" in page.inner_text(".has-error")
    page.fill("input[name=retention_rate]", "3")
    page.fill("input[name=retention_due_on]", "2025-03-15")
    with page.expect_navigation():
        page.click("button:has-text('登记合同')")
    assert "已登记合同「确财采〔2024〕12号」" in page.inner_text("main")

    page.goto(f"{live_server}/projects/XM001?as_of=2024-06-30")
    money = page.locator("table.contract-money tbody td").all_inner_texts()
    assert money == ["300,000.00", "100,000.00", "120,000.00", "200,000.00", "20,000.00"]
    assert "over" in page.locator("table.contract-money td.over").get_attribute("class")
    row = page.locator("table.contracts tbody tr").first.inner_text()
    assert "确财采〔2024〕12号" in row and "直接委托" in row and "3,000.00" in row
    shoot(page, "project-contracts")

    page.goto(f"{live_server}/warnings/?as_of=2024-06-30")
    main = page.inner_text("main")
    assert "应招标未招标" in main and "支付超合同" in main
