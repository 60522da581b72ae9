"""The main pages run under the Content-Security-Policy without a single violation: every
script comes from /static/js, no inline script or handler is blocked."""

from __future__ import annotations

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, milestone, pay, project, source

PAGES = ["/", "/projects/", "/projects/XM001", "/funds/", "/funds/ZY01", "/funds/ZY01/allocate",
         "/funds/payments", "/funds/payments/new?project=XM001&source=ZY01",
         "/funds/payments/PZ0001/reverse", "/milestones/", "/milestones/XM001/edit",
         "/milestones/XM001/schedule?deadline=2026-12-31", "/ledger/", "/ledger/funds",
         "/import/", "/history/", "/admin/users", "/settings/", "/periods/"]


def _county(app):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2025-03-01")
        prj = project("XM001")
        allocate(prj, src, "300000.00", "2025-03-02")
        pay("PZ0001", prj, src, "1000.00", "2025-03-05")
        milestone(prj, MilestoneKind.STARTED, planned="2025-04-01")


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    return problems


def test_main_pages_have_no_csp_violation(app, live_server, page, users):
    _county(app)
    problems = _watch(page)
    sign_in(page, live_server, users["admin"], PASSWORD)
    for path in PAGES:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_an_inline_script_would_be_blocked_and_reported(app, live_server, page, users):
    """The check above can fail: an inline script is refused and shows as an error."""
    problems = _watch(page)
    sign_in(page, live_server, users["viewer"], PASSWORD)
    # the refusal reaches the console after the script is added: waited for, not slept on
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__ran = true';
                                 document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran === true") is False
    assert any("Content Security Policy" in p for p in problems), problems
