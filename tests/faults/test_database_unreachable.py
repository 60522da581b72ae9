"""The database becoming unreachable (PostgreSQL behind a TCP proxy that the test cuts):
pages and the API answer 503 with the Chinese message, /healthz says so, and once the
database is back every request succeeds again without restarting anything."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url

from fundtrack import create_app
from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from tests import factories as f
from tests.conftest import PG_URL, bearer, login, pg_database
from tests.faults.proxy import Proxy
from tests.processes import Server, create_token, request

pytestmark = pytest.mark.slow
needs_pg = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL behind a proxy")

MESSAGE = "数据库暂时无法访问,请稍后再试"
PAYMENT = {"project_code": "XM001", "source_code": "ZY01", "paid_on": "2024-03-10",
           "amount": "100.00", "kind": "进度款", "payee": "某某建筑公司"}


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("unreachable-instance"))
    yield from pg_database("fundtrack_unreachable", instance)


@pytest.fixture(scope="module")
def proxied(pg):
    """(URL through the proxy, the proxy, instance folder); a little ledger in it."""
    _, url, instance = pg
    real = make_url(url)
    with Proxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        through = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
        app = create_app({"SQLALCHEMY_DATABASE_URI": through, "SECRET_KEY": "t"},
                         instance_path=instance)
        with app.app_context():
            with unit_of_work("测试"):
                src = f.source("ZY01", "100000.00")
                f.arrive(src, "50000.00", "2024-03-01")
                f.allocate(f.project("XM001"), src, "50000.00")
                from fundtrack.accounts.service import create_user
                from fundtrack.enums import Role

                create_user("caizheng", Role.FINANCE, password="correct horse 2024")
            db.engine.dispose()
        yield through, proxy, instance


def _json(body: bytes) -> dict:
    return json.loads(body)


@needs_pg
def test_pages_and_api_answer_503_and_recover(proxied):
    url, proxy, instance = proxied
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"},
                     instance_path=instance)
    token = None
    with app.app_context():
        from fundtrack.accounts.service import create_token as make_token
        from fundtrack.accounts.service import get_user

        with unit_of_work("测试"):
            token = make_token(get_user("caizheng"))
    browser, script = app.test_client(), app.test_client()
    assert login(browser, "caizheng").status_code == 302

    def check_up(voucher: str) -> None:
        assert browser.get("/").status_code == 200
        assert browser.get("/projects/").status_code == 200
        assert script.get("/api/v1/ledger/funds?as_of=2024-06-30",
                          headers=bearer(token)).status_code == 200
        reply = script.get("/healthz")
        assert reply.status_code == 200 and reply.json == {"status": "ok"}
        posted = script.post("/api/v1/disbursements", json={**PAYMENT, "voucher_no": voucher},
                             headers=bearer(token))
        assert posted.status_code == 201, posted.json

    check_up("PZ-UP-1")
    try:
        proxy.down()
        for _ in range(2):  # the pool's broken connections, then new ones refused
            for path in ("/", "/projects/", "/funds/"):
                page = browser.get(path)
                assert page.status_code == 503, path
                assert MESSAGE in page.get_data(as_text=True)
            reply = script.get("/api/v1/ledger/funds?as_of=2024-06-30", headers=bearer(token))
            assert reply.status_code == 503
            assert reply.json == {"errors": [{"field": None, "message": MESSAGE}]}
            reply = script.post("/api/v1/disbursements",
                                json={**PAYMENT, "voucher_no": "PZ-DOWN"}, headers=bearer(token))
            assert reply.status_code == 503 and reply.json["errors"][0]["message"] == MESSAGE
            reply = script.get("/healthz")
            assert reply.status_code == 503 and reply.json["status"] != "ok"
    finally:
        proxy.up()
    check_up("PZ-UP-2")  # by itself: same app, same pool
    with app.app_context():
        from fundtrack.funds.models import Disbursement

        vouchers = set(db.session.scalars(db.select(Disbursement.voucher_no)))
        db.session.rollback()
        db.engine.dispose()
    assert vouchers == {"PZ-UP-1", "PZ-UP-2"}


@needs_pg
def test_the_production_server_answers_503_and_recovers(proxied, tmp_path):
    url, proxy, _ = proxied
    token = create_token(url, "shenji", "auditor")
    with Server(url, tmp_path / "serve.log") as server:
        def status(path: str, auth: bool = True) -> tuple[int, dict]:
            code, body, headers = request(server.port, "GET", path,
                                          token=token if auth else None)
            assert headers.get("Content-Type", "").startswith("application/json"), path
            return code, _json(body)

        assert status("/api/v1/ledger/allocations?as_of=2024-06-30")[0] == 200
        try:
            proxy.down()
            for _ in range(3):
                code, body = status("/healthz", auth=False)
                assert (code, body["status"]) == (503, "unavailable")
                code, body = status("/api/v1/ledger/allocations?as_of=2024-06-30")
                assert code == 503 and body["errors"][0]["message"] == MESSAGE
                code, page, _ = request(server.port, "GET", "/login")
                assert code in (200, 503)
        finally:
            proxy.up()
        assert status("/healthz", auth=False) == (200, {"status": "ok"})
        code, body = status("/api/v1/ledger/allocations?as_of=2024-06-30")
        assert code == 200 and body["rows"][0]["project_code"] == "XM001"
        assert "Traceback" not in server.output()


def test_error_page_renders_when_the_signed_in_user_cannot_be_loaded(app, users,
                                                                      monkeypatch):
    """On both backends: the database failing while the session's user is loaded (the
    first query of most pages) is a 503 page, not a 500 from rendering the page's menu."""
    from sqlalchemy.exc import OperationalError

    from fundtrack.extensions import login_manager

    browser = app.test_client()
    assert login(browser, users["finance"]).status_code == 302

    def unreachable(user_id):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(login_manager, "_user_callback", unreachable)
    for path in ("/", "/projects/", "/funds/"):
        page = browser.get(path)
        assert page.status_code == 503, path
        assert MESSAGE in page.get_data(as_text=True)
    # an error page of its own (no such page) renders too, without asking the database
    assert browser.get("/no-such-page").status_code == 404
