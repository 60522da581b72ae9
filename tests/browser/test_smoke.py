"""The browser can sign in and every stylesheet and script comes from the app itself."""

from __future__ import annotations

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD


def test_sign_in_and_no_asset_from_elsewhere(live_server, page, users):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    sign_in(page, live_server, users["viewer"], PASSWORD)
    assert page.locator("nav.site-nav").is_visible()
    assert "lingdao" in page.inner_text("header")
    shoot(page, "dashboard-viewer")
    assert requested and all(url.startswith(live_server) for url in requested), requested


def test_wrong_password_is_refused_on_the_form(live_server, page, users):
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", users["viewer"])
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("main")
