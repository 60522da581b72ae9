"""The wall chart and the charts in the real browser: bars where they belong, overdue in
red, the as-of line; ECharts loaded from the app itself, drawing on canvases without a
console error; the monthly paragraph copied. Screenshots kept as artifacts."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.dashboard.county import build_county


def _watch(page):
    """Console errors, script errors and failed responses (the browser's own favicon
    request aside: the app has none), and every URL requested."""
    problems, requested = [], []

    def console(m):
        if m.type == "error" and not m.text.startswith("Failed to load resource"):
            problems.append(m.text)

    def response(r):
        if r.status >= 400 and not r.url.endswith("/favicon.ico"):
            problems.append(f"{r.status} {r.url}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", response)
    page.on("request", lambda r: requested.append(r.url))
    return problems, requested


def test_wall_chart_bars_in_the_browser(app, live_server, page, users):
    build_county(app)
    problems, _ = _watch(page)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    page.click("nav.site-nav >> text=作战图")
    # the menu's page first: a page asked for while it loads would be cancelled by it
    page.wait_for_url(re.compile(r"/wallchart/"))
    page.goto(f"{live_server}/wallchart/?as_of=2024-06-30")
    xm001 = page.locator('tr[data-project="XM001"]')
    # planned bars (one per planned milestone), the overdue 完工 in red, the as-of line
    assert xm001.locator(".wc-plan").count() == 2
    overdue = xm001.locator('.wc-plan.wc-overdue[data-kind="完工"]')
    assert overdue.count() == 1
    assert overdue.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(155, 28, 28)"
    box = overdue.bounding_box()
    track = xm001.locator(".wc-track").bounding_box()
    assert box["width"] > 0.4 * track["width"]  # 03-01 → 05-01 of 03-01 → 06-30
    assert xm001.locator(".wc-late").count() == 1
    today = xm001.locator(".wc-today")
    assert today.count() == 1
    tb = today.bounding_box()
    assert abs(tb["x"] + tb["width"] - (track["x"] + track["width"])) < 3  # at the end
    xm003 = page.locator('tr[data-project="XM003"]')
    assert xm003.locator(".wc-overdue").count() == 0 and xm003.locator(".wc-actual").count() == 2
    shoot(page, "wallchart")
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    page.emulate_media(media="screen")
    assert problems == [], problems


def test_charts_draw_with_echarts_from_the_app(app, live_server, page, users):
    build_county(app)
    problems, requested = _watch(page)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    page.goto(f"{live_server}/charts/?as_of=2024-06-30")
    page.wait_for_selector('#charts[data-drawn="4"]')
    for chart in ("channels", "townships", "units", "months"):
        canvas = page.locator(f'[data-chart="{chart}"] svg')
        assert canvas.count() >= 1, chart
        assert canvas.first.bounding_box()["height"] > 100, chart
    assert f"{live_server}/static/vendor/echarts/echarts.min.js" in requested
    assert all(url.startswith(live_server) for url in requested), requested
    assert page.evaluate("typeof window.echarts.init") == "function"
    shoot(page, "charts")
    assert problems == [], problems


def test_monthly_paragraph_copies(app, live_server, page, users):
    build_county(app)
    problems, _ = _watch(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    page.goto(f"{live_server}/report/monthly?as_of=2024-06-30")
    text = page.inner_text("#monthly-paragraph")
    assert text.startswith("截至2024年6月30日,测试县财政涉农资金共140.00万元")
    page.click("button.copy")
    page.wait_for_selector(".copy-status:not(:empty)")
    status = page.inner_text(".copy-status")
    assert status in ("已复制", "请按 Ctrl+C 复制已选中的文字")
    if status == "已复制":
        assert page.evaluate("navigator.clipboard.readText()") == text
    shoot(page, "monthly")
    assert problems == [], problems


LONG_UNIT = "县乡村振兴局农村基础设施建设与人居环境整治工作领导小组办公室"


def test_long_unit_names_are_shown_whole_inside_the_chart(app, live_server, page, users):
    """图表: a unit's long name wraps beside its bars instead of being cut off."""
    from fundtrack.database import unit_of_work
    from tests import factories as f

    build_county(app)
    with app.app_context(), unit_of_work("县财政局"):
        f.project("XM009", township="李新店镇", unit=LONG_UNIT)
    problems, _ = _watch(page)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    page.goto(f"{live_server}/charts/?as_of=2024-06-30")
    page.wait_for_selector('#charts[data-drawn="4"]')
    units = page.locator('[data-chart="units"]')
    box = units.bounding_box()
    texts = units.locator("svg text")
    assert texts.count() > 0
    shown = "".join(texts.all_text_contents()).replace(" ", "")
    assert LONG_UNIT in shown and "县交通运输局" in shown
    for i in range(texts.count()):  # every label inside the chart's box
        t = texts.nth(i).bounding_box()
        if t is None or t["width"] == 0:
            continue
        assert box["x"] - 1 <= t["x"] and t["x"] + t["width"] <= box["x"] + box["width"] + 1
        assert box["y"] - 1 <= t["y"] and t["y"] + t["height"] <= box["y"] + box["height"] + 1
    assert "完工率" in shown and "竣工" not in shown
    shoot(page, "charts-long-names")
    assert problems == [], problems


def test_an_empty_chart_says_no_data(app, live_server, page, users):
    """A county with nothing yet: every chart says 暂无数据 instead of a blank box."""
    problems, _ = _watch(page)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    page.goto(f"{live_server}/charts/?as_of=2024-06-30")
    page.wait_for_selector('#charts[data-drawn="4"]')
    for chart in ("channels", "townships", "units", "months"):
        el = page.locator(f'[data-chart="{chart}"]')
        assert el.inner_text().strip() == "暂无数据", chart
        assert el.is_visible() and el.locator("svg, canvas").count() == 0, chart
    shoot(page, "charts-empty")
    assert problems == [], problems
