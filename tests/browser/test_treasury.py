"""对账 in the browser: finance uploads the treasury's export, sees the four groups,
filters, downloads the result, explains a difference and registers a payment only the
treasury holds (a refused kind first, its reason shown)."""

from __future__ import annotations

import re

import openpyxl

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.treasury.county import build_ledger
from tests.treasury.test_reconcile import changed_export


def test_finance_reconciles_the_treasury_export(app, live_server, page, users, tmp_path):
    build_ledger(app)
    export = changed_export(tmp_path)
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.click("nav.site-nav >> text=对账")
    page.set_input_files("input[name=export]", export)
    with page.expect_navigation():
        page.click("text=上传并对账")
    summary = page.inner_text("#treasury-summary")
    assert "一致 3 笔,仅国库有 2 笔,仅台账有 2 笔,不一致 6 笔" in summary
    shoot(page, "treasury-result")

    # each tab and the filter is a page of its own: its rows read once it is there
    page.click("nav.tabs >> text=仅台账有")
    page.wait_for_url(re.compile(r"[?&]show=only_in_ledger(&|$)"))
    vouchers = page.eval_on_selector_all(
        "#treasury-result tbody tr", "rows => rows.map(r => r.dataset.voucher)")
    assert vouchers == ["PZ002", "PZ007"]
    page.click("nav.tabs >> text=不一致")
    page.wait_for_url(re.compile(r"[?&]show=differ(&|$)"))
    page.fill("input[name=q]", "PZ004")
    page.click("form.filters >> text=筛选")
    page.wait_for_url(re.compile(r"[?&]q=PZ004(&|$)"))
    assert page.eval_on_selector_all(
        "#treasury-result tbody tr", "rows => rows.map(r => r.dataset.voucher)") == ["PZ004"]
    with page.expect_download() as got:
        page.click("#treasury-download")
    path = tmp_path / "result.xlsx"
    got.value.save_as(path)
    ws = openpyxl.load_workbook(path)["对账结果"]
    assert [r[2] for r in ws.iter_rows(min_row=3, values_only=True)] == ["PZ004"]

    page.fill("#treasury-result input[name=note]", "国库按含税金额入账,差一分")
    with page.expect_navigation():
        page.click("#treasury-result >> text=标记已说明")
    assert "已记录凭证 PZ004 的差异说明" in page.inner_text("main")
    assert "已说明:国库按含税金额入账,差一分" in page.inner_text("#treasury-result")

    page.click("nav.tabs >> text=仅国库有")
    page.click("tr[data-voucher=GK901] >> text=登记到台账")
    page.wait_for_url(re.compile(r"/register/\d+$"))
    page.fill("input[name=project_code]", "XM001")
    page.select_option("select[name=source_code]", "ZY01")
    page.select_option("select[name=kind]", "settlement")
    with page.expect_navigation():
        page.click("#register-form >> text=登记到台账")
    assert "结算款须在项目验收之后支付" in page.inner_text("main")
    shoot(page, "treasury-register-refused")
    page.select_option("select[name=kind]", "progress")
    with page.expect_navigation():
        page.click("#register-form >> text=登记到台账")
    main = page.inner_text("main")
    assert "已登记支出:凭证号 GK901,金额 5,000.00 元" in main
    vouchers = page.eval_on_selector_all(
        "#treasury-result tbody tr", "rows => rows.map(r => r.dataset.voucher)")
    assert vouchers == ["GK902"]
    shoot(page, "treasury-registered")
