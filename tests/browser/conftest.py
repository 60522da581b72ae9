"""Browser tests: Debian's Chromium driven by Playwright against the app served on
127.0.0.1 (a real server thread over the test's own database).

Chromium is /usr/bin/chromium (``apt-get install chromium``; never ``playwright install``).
Without it these tests skip, unless FUNDTRACK_REQUIRE_BROWSER=1 (as in CI), where its
absence is a failure. Screenshots go to artifacts/screenshots/ (git-ignored).

Tests wait for what they read: a page's script or its fetches run after the page is
shown, and a click on a link or a form's button only starts the next page's loading. So
a click that leaves the page is awaited (``page.expect_navigation()``, ``wait_for_url``)
before the page is read, and what a script sets is checked with the auto-waiting
``expect``. Time limits are Playwright's 30 s, for the action and for ``expect`` (5 s by
default, short on a loaded CI machine).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.teardown import DRAIN_SECONDS, InFlight

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=zh-CN",
]
#: What a page's action or ``expect`` waits for at most (ms): Playwright's own default for
#: actions, also for ``expect`` (which would wait 5 s).
TIMEOUT = 30_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("FUNDTRACK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free port of 127.0.0.1; yields its base URL.

    Afterwards it stops, then waits for the requests still being answered (the app
    fixture then waits for the background jobs): on PostgreSQL the database is emptied
    next, and a query left running would hold the locks TRUNCATE needs (a deadlock, and
    the next test finding the last one's rows)."""
    in_flight = InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    if not in_flight.drained(DRAIN_SECONDS):
        pytest.fail(f"still answering {in_flight.running} {DRAIN_SECONDS} s after the test")


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context's page. It asks for ``live_server`` so that it is closed
    first: no request comes from the browser while the server drains."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True,
                                  viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    yield pg
    context.close()


def artifact(name: str, suffix: str) -> Path:
    """Where to keep an artifact: its name followed by the test's variant (the backend),
    so that the SQLite and the PostgreSQL run of a test, often at the same moment in two
    workers, do not write the same file."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    variant = re.search(r"\[([^\]]+)\]", os.environ.get("PYTEST_CURRENT_TEST", ""))
    return ARTIFACTS / (f"{name}-{variant.group(1)}{suffix}" if variant else f"{name}{suffix}")


def shoot(page, name: str) -> Path:
    """Keep a screenshot of the page as an artifact."""
    path = artifact(name, ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, condition, timeout: float = TIMEOUT) -> None:
    """Wait until ``condition()`` holds, where what it checks is set by the page's events
    (a route's handler): the events are dispatched while the page waits."""
    deadline = time.monotonic() + timeout / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout / 1000:g} s: {condition}")
        page.wait_for_timeout(50)


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page) -> None:
    """退出 from the header, and wait for the sign-in page: a page opened before the
    sign-out's answer would cancel it, and the user would still be signed in."""
    page.click("form.site-user button[type=submit]")
    page.wait_for_url(lambda url: "/login" in url)
