"""The city's 上报汇总 page in the browser: counties ranked by 支出率, the county not yet
reported, the drill-down into a county's package, and 退回 with a note."""

from __future__ import annotations

import re

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.reporting.conftest import (  # noqa: F401  (fixtures)
    MONTH,
    city,
    counties,
    county_template,
)


def _table(page) -> list[str]:
    return [row.inner_text().split("\t")[0].strip()
            for row in page.query_selector_all("table#rollup tbody tr")]


def test_ranking_drill_down_and_return(city, counties, live_server, page, users):  # noqa: F811
    run = city.test_cli_runner()
    for county in counties.values():
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0
        assert run.invoke(args=["receive", str(county.file)]).exit_code == 0
    assert run.invoke(args=["add-region", "新蔡县", counties["确山县"].key]).exit_code == 0

    sign_in(page, live_server, users["admin"], PASSWORD)
    page.goto(f"{live_server}/reporting/rollup?month={MONTH}")
    main = page.inner_text("main")
    # the county registered but silent
    assert f"尚未上报 {MONTH} 的下级地区:新蔡县" in main
    # the city total, the exact sum: 100,000.01 + 699,999.99
    assert "800,000.00" in page.inner_text("table#rollup tfoot")
    # ranked by 支出率: ascending, then descending on a second click
    # sorted by the server: the rows read once the sorted page is there
    page.click("table#rollup th >> text=支出率")
    page.wait_for_url(re.compile(r"[?&]sort=spending_rate(&|$)"))
    assert _table(page) == ["确山县", "泌阳县"]
    page.click("table#rollup th >> text=支出率")
    page.wait_for_url(re.compile(r"[?&]sort=-spending_rate(&|$)"))
    assert _table(page) == ["泌阳县", "确山县"]
    shoot(page, "rollup-ranked")

    # drill down into 确山县's package: its fund ledger as it sent it
    page.click("table#rollup tbody tr:has-text('确山县') >> text=查看")
    page.wait_for_url(re.compile(r"/packages/\d+$"))
    assert "上报包 · 确山县(县)· 2024-06" in page.inner_text("h1")
    assert "100,000.01" in page.inner_text("main")

    # 退回 with a note (confirmed in the browser's dialog)
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#return textarea[name=note]", "XM001 完工日期漏报,请补录后重报")
    with page.expect_navigation():
        page.click("#return button[type=submit]")
    main = page.inner_text("main")
    assert "已退回 确山县 2024-06 的上报包" in main
    assert "XM001 完工日期漏报,请补录后重报" in main
    shoot(page, "rollup-returned-package")

    page.goto(f"{live_server}/reporting/rollup?month={MONTH}")
    row = page.inner_text("table#rollup tbody tr:has-text('确山县')")
    assert "已退回" in row
    assert "已退回、等待更正重报:确山县" in page.inner_text("main")
    shoot(page, "rollup-with-return")
