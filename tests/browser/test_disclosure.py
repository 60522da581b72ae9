"""公示 in a real browser: a visitor finds a project without signing in; staff open its
立项公示, the 打印 button prints, and the printed page (A4) is only the notice."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from fundtrack.database import unit_of_work
from fundtrack.settings import service as settings
from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.disclosure.county import (
    PHONE,
    SECRETS,
    county_fixture,  # noqa: F401  (the `county` fixture)
)
from tests.disclosure.qr import decode_svg


def test_visitor_finds_a_project_without_signing_in(live_server, page, county):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(f"{live_server}/public/")
    page.select_option("select[name=township]", "城关镇")
    # the unfiltered list has the project too: click it on the filtered one
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    page.click("text=东村通村道路硬化工程")
    page.wait_for_url("**/public/projects/XM001")
    body = page.inner_text("body")
    assert "县交通运输局" in body and "省级财政衔接资金" in body and "工作人员登录" in body
    for secret in SECRETS:
        assert secret not in page.content()
    shoot(page, "public-project")
    assert all(url.startswith(live_server) for url in requested), requested


def test_staff_print_an_approval_notice(app, live_server, page, county):
    with app.app_context(), unit_of_work("admin"):
        settings.set_complaint_phone("0396-7654321")
    sign_in(page, live_server, county["viewer"], PASSWORD)
    page.goto(f"{live_server}/projects/XM001")
    page.click("text=公示公告")
    page.wait_for_url("**/projects/XM001/notice")
    page.fill("input[name=start]", "2024-01-15")
    page.fill("input[name=days]", "12")
    page.click("text=生成公示")
    page.wait_for_url("**start=2024-01-15**")
    notice = page.locator("article.notice")
    assert "公示期:2024年1月15日至2024年1月26日(12天)" in notice.inner_text()
    # 公示网址 unset: the code leads to this server's own address, and staff are told
    warning = page.locator('[data-warning="public-url"]')
    assert warning.is_visible() and "尚未设置公示网址" in warning.inner_text()
    assert "0396-7654321" in notice.inner_text() and PHONE not in page.content()
    # the QR code as the browser has it decodes to the project's public page
    svg = page.locator("article.notice svg").evaluate("e => e.outerHTML")
    assert decode_svg(svg) == f"{live_server}/public/projects/XM001"
    # 打印 calls the browser's print (stubbed here: headless Chromium has no dialog)
    page.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    shoot(page, "notice-screen")
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(notice).to_be_visible()
    shoot(page, "notice-print")
    pdf = page.pdf(prefer_css_page_size=True)
    # A4 portrait (595 x 842 pt), the whole notice on one sheet
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (595, 842)
    assert re.findall(rb"/Type /Pages\b.*?/Count (\d+)", pdf, re.S) == [b"1"]
