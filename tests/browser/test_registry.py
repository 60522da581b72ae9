"""A project's life in the registry: a manager proposes it (储备), the county approves
it into the plan (计划), it receives an allocation, enters 实施, and a planned date moved
with a reason shows on the project page as a plan adjustment (计划调整)."""

from __future__ import annotations

from fundtrack.database import unit_of_work
from fundtrack.projects.service import get_or_create_unit
from tests.browser.conftest import shoot, sign_in, sign_out
from tests.conftest import PASSWORD
from tests.factories import source


def test_a_project_from_proposal_to_plan_adjustment(app, live_server, page, users):
    with app.app_context(), unit_of_work("测试"):
        source("ZY01", "1000000.00")
        get_or_create_unit("县水利局")
    page.on("dialog", lambda d: d.accept())

    # the manager of 县交通运输局 proposes a project
    sign_in(page, live_server, users["manager"], PASSWORD)
    page.goto(f"{live_server}/projects/")
    page.click("text=申报项目")
    # the list's filters have a select[name=unit] too (every unit)
    page.wait_for_url("**/projects/new")
    assert page.locator("select[name=unit] option").all_inner_texts() == ["县交通运输局"]
    page.fill("input[name=project_code]", "XM2025-01")
    page.fill("input[name=name]", "北村道路硬化")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=township]", "城关镇")
    page.fill("input[name=total_investment]", "abc")
    with page.expect_navigation():
        page.click("button:has-text('申报')")
    assert "不是有效金额" in page.inner_text("main") or "金额" in page.inner_text(".has-error")
    page.fill("input[name=total_investment]", "200000")
    with page.expect_navigation():
        page.click("button:has-text('申报')")
    main = page.inner_text("main")
    assert "已登记项目「XM2025-01」(状态:储备)" in main
    assert not page.locator("button:has-text('审定列入计划')").count()  # the county's
    # its performance target (绩效目标), without which the county cannot approve it
    page.click("text=添加绩效目标")
    page.select_option("select[name=category]", "产出")
    page.fill("input[name=name]", "硬化道路长度")
    page.fill("input[name=measure]", "公里")
    page.fill("input[name=target]", "2.5")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert "已添加绩效目标「硬化道路长度」" in page.inner_text("main")
    assert "2.5" in page.inner_text("table.targets")
    # milestones planned while proposed
    page.goto(f"{live_server}/milestones/XM2025-01/edit")
    page.fill("input[aria-label='开工计划日期']", "2025-04-01")
    # saved once answered: signing out before would cancel the save
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    sign_out(page)

    # the county approves it into the plan, then allocates money to it
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.goto(f"{live_server}/projects/XM2025-01")
    with page.expect_navigation():
        page.click("button:has-text('审定列入计划')")
    main = page.inner_text("main")
    assert "已审定列入计划" in main and users["finance"] in main
    page.select_option("select[name=source]", "ZY01")
    page.click("button:has-text('资金安排')")
    page.wait_for_url("**/funds/ZY01/allocate?project=XM2025-01")
    page.fill("input[name=amount]", "150000")
    with page.expect_navigation():
        page.click("button:has-text('保存安排')")
    assert "已安排项目「XM2025-01」资金 150,000.00 元" in page.inner_text("main")
    page.goto(f"{live_server}/projects/plan?year=2025")
    assert "XM2025-01" in page.inner_text("main") and "150,000.00" in page.inner_text("main")
    shoot(page, "registry-plan")
    sign_out(page)

    # the unit starts it and moves a planned date, with a reason
    sign_in(page, live_server, users["manager"], PASSWORD)
    page.goto(f"{live_server}/projects/XM2025-01")
    # the page before has 实施 too (the button's own word)
    with page.expect_navigation():
        page.click("button:has-text('开始实施')")
    assert "实施" in page.inner_text("main")
    page.goto(f"{live_server}/milestones/XM2025-01/edit")
    page.fill("input[aria-label='开工计划日期']", "2025-05-15")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert "须填写调整原因" in page.inner_text("main")
    page.fill("input[name=reason]", "征地协调延误")
    # saved once answered: the page opened next would cancel the save
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    page.goto(f"{live_server}/projects/XM2025-01")
    table = page.inner_text("#adjustments + table")
    assert "征地协调延误" in table and "2025-04-01" in table and "2025-05-15" in table
    assert users["manager"] in table
    shoot(page, "registry-adjustment")


def test_a_project_from_completion_to_its_asset(app, live_server, page, users):
    """The unit records its targets' actual values and hands the settled project's asset
    over; the county finds the asset in the 资产台账 and the moved dates in 计划调整."""
    import datetime as dt

    from fundtrack.enums import MilestoneKind as K
    from fundtrack.milestones.service import keep_baseline, set_milestone
    from fundtrack.performance.service import add_target
    from fundtrack.projects.service import get_project
    from tests.factories import allocate, arrive, milestone, pay, project

    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2025-03-01")
        road = project("XM001", unit="县交通运输局", year=2025)
        allocate(road, src, "300000.00", "2025-03-02")
        pay("PZ0001", road, src, "288000.00", "2025-04-01")
        add_target(road, category="产出", name="硬化道路长度", measure="公里", target="3.2")
        milestone(road, K.COMPLETED, planned="2025-08-31")
        keep_baseline(road)
    with app.app_context(), unit_of_work(users["manager"]):
        set_milestone(get_project("XM001"), K.COMPLETED, planned_on=dt.date(2025, 9, 30),
                      reason="雨季停工一个月")
        set_milestone(get_project("XM001"), K.COMPLETED, done_on=dt.date(2025, 9, 28))
        set_milestone(get_project("XM001"), K.SETTLED, done_on=dt.date(2025, 10, 20))
    page.on("dialog", lambda d: d.accept())

    sign_in(page, live_server, users["manager"], PASSWORD)
    page.goto(f"{live_server}/projects/XM001")
    assert "资产尚未移交" in page.inner_text("main")
    page.click("table.targets >> text=填写实际值")
    page.fill("input[name=actual]", "2.9")
    page.select_option("select[name=met]", "否")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert "须填写未达成原因" in page.inner_text("main")
    page.fill("textarea[name=gap_reason]", "一段路基塌方改线")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    targets = page.inner_text("table.targets")
    assert "2.9" in targets and "未达成" in targets and "一段路基塌方改线" in targets
    page.click("text=登记资产移交")
    page.wait_for_url("**/projects/XM001/assets/new")
    assert page.input_value("input[name=value]") == "288000.00"  # the project's spent
    page.fill("input[name=name]", "东村道路 2.9 公里")
    page.select_option("select[name=asset_class]", "公益性")
    page.fill("input[name=owner]", "东村村民委员会")
    page.fill("input[name=maintainer]", "东村村民委员会")
    page.fill("input[name=caretaker]", "李四 13900000000")
    page.fill("input[name=handed_over_on]", "2025-11-01")
    page.fill("input[name=document_no]", "城关〔2025〕21号")
    with page.expect_navigation():
        page.click("button:has-text('登记移交')")
    main = page.inner_text("main")
    assert "已登记资产移交「东村道路 2.9 公里」" in main and "资产尚未移交" not in main
    assert "288,000.00" in page.inner_text("table.handovers")
    shoot(page, "registry-handover")
    sign_out(page)

    sign_in(page, live_server, users["finance"], PASSWORD)
    page.goto(f"{live_server}/projects/")
    page.click("text=资产台账")
    page.wait_for_url("**/assets/")
    ledger = page.inner_text("table.assets")
    assert "东村道路 2.9 公里" in ledger and "合计(1 项)" in ledger and "288,000.00" in ledger
    page.goto(f"{live_server}/projects/")
    page.click("a:has-text('计划调整')")
    # the list's filters have a select[name=unit] and a 查询 button too
    page.wait_for_url("**/milestones/adjustments")
    page.select_option("select[name=unit]", "县交通运输局")
    with page.expect_navigation():
        page.click("button:has-text('查询')")
    row = page.inner_text("table.adjustments tbody tr")
    assert "雨季停工一个月" in row and "2025-08-31" in row and "2025-09-30" in row
    assert users["manager"] in row
    shoot(page, "registry-adjustments")
    page.goto(f"{live_server}/projects/plan?year=2025")
    assert "硬化道路长度 3.2公里 / 2.9公里(未达成:一段路基塌方改线)" in page.inner_text("main")
