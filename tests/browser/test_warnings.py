"""In a real browser: a manager finds their unit's red warning from the menu, follows it
to the project; an auditor records a finding that turns red after its deadline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from tests.browser.conftest import shoot, sign_in, sign_out
from tests.conftest import PASSWORD
from tests.factories import milestone, project


def test_manager_follows_a_warning_and_auditor_records_a_finding(live_server, page, app,
                                                                  users):
    with app.app_context(), unit_of_work("测试"):
        milestone(project("XM001", unit="县交通运输局"), K.COMPLETED, planned="2024-05-01")
        milestone(project("XM002", unit="县水利局"), K.COMPLETED, planned="2024-05-01")
    sign_in(page, live_server, users["manager"], PASSWORD)
    # the dashboard's warning block is counted after the page is shown
    page.goto(f"{live_server}/?as_of=2024-06-30")
    # a manager's home counts their own unit's warnings (issue 13), the county one click away
    expect(page.locator(".warning-counts")).to_contain_text("红 1")
    page.click("text=查看全县数据")
    # the county's page, then its count (loaded after the page, like the unit's)
    page.wait_for_url(re.compile(r"[?&]unit=(&|$)"))
    expect(page.locator(".warning-counts")).to_contain_text("红 2")
    page.click("nav.site-nav >> text=预警")
    page.wait_for_url(re.compile(r"/warnings/"))
    page.goto(f"{page.url}?as_of=2024-06-30")
    table = page.inner_text("table.warnings")
    assert "XM001" in table and "XM002" not in table  # their own unit by default
    assert "逾期 60 天" in table
    shoot(page, "warnings-manager")
    page.click("table.warnings >> text=XM001")
    page.wait_for_url("**/projects/XM001")
    sign_out(page)

    sign_in(page, live_server, users["auditor"], PASSWORD)
    page.click("nav.site-nav >> text=整改")
    page.click("text=登记整改事项")
    page.select_option("select[name=source]", label="审计")
    page.fill("input[name=project_code]", "XM002")
    page.fill("textarea[name=description]", "工程资料不全")
    page.fill("input[name=found_on]", "2024-06-01")
    page.fill("input[name=deadline]", "2024-06-20")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已登记整改事项" in page.inner_text("main")
    shoot(page, "finding-recorded")
    page.goto(f"{live_server}/warnings/?as_of=2024-06-21&level=red")
    assert "工程资料不全" in page.inner_text("table.warnings")
