"""Browser tests: Debian's Chromium driven by Playwright against the app served on
127.0.0.1 (a real server thread over the test's own database).

Chromium is /usr/bin/chromium (``apt-get install chromium``; never ``playwright install``).
Without it these tests skip, unless FUNDTRACK_REQUIRE_BROWSER=1 (as in CI), where its
absence is a failure. Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=zh-CN",
]


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


#: How long a test's server waits, once the test is over, for the requests still being
#: answered (a chart's data asked for by the last page) to end.
DRAIN_SECONDS = 60


class InFlight:
    """WSGI middleware keeping the requests being answered, so that a test's end can wait
    for them. A request is answered once its response's body has been sent (or closed):
    the server's reading of what the client sent after it (werkzeug drains the socket
    until the browser closes it) touches no database and is not waited for."""

    def __init__(self, app):
        self.app = app
        self.running: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        request = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
        self._change(self.running.append, request)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._change(self.running.remove, request)
            raise
        return _Answer(body, lambda: self._change(self.running.remove, request))

    def _change(self, how, request: str) -> None:
        with self._changed:
            how(request)
            self._changed.notify_all()

    def drained(self, seconds: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self.running, timeout=seconds)


class _Answer:
    """A response's body that calls ``done`` once, when it has been sent or closed."""

    def __init__(self, body, done):
        self.body, self._done, self._ended = body, done, False

    def __iter__(self):
        try:
            yield from self.body
        finally:
            self.close()

    def close(self) -> None:
        if self._ended:
            return
        self._ended = True
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self._done()


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
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shoot(page, name: str) -> Path:
    """Keep a screenshot of the page as an artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
