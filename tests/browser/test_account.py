"""A user's own account in the browser: the header names them and leads to 我的账户,
where they change their password; signing out ends the session."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD


def test_a_user_changes_their_password_and_signs_out(live_server, page, users):
    sign_in(page, live_server, users["manager"], PASSWORD)
    page.click("header a.site-account")
    page.wait_for_url(f"{live_server}/account")
    page.fill("input[name=current]", PASSWORD)
    page.fill("input[name=password]", "1234")
    page.fill("input[name=confirm]", "1234")
    with page.expect_navigation():
        page.click("form[action*='/account/password'] button[type=submit]")
    expect(page.locator("p.error")).to_contain_text("密码至少 8 个字符")
    page.fill("input[name=current]", PASSWORD)
    page.fill("input[name=password]", "river road 2026")
    page.fill("input[name=confirm]", "river road 2026")
    with page.expect_navigation():
        page.click("form[action*='/account/password'] button[type=submit]")
    assert "密码已修改" in page.inner_text("main")
    shoot(page, "account-password-changed")
    page.click("header button:has-text('退出')")
    page.wait_for_url(lambda url: "/login" in url)
    page.goto(f"{live_server}/account")
    assert "/login" in page.url
    sign_in(page, live_server, users["manager"], "river road 2026")
    assert users["manager"] in page.inner_text("header")
