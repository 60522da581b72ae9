"""Sign-in: repeated failures lock the name (and the address) a while, in the database so
every worker sees it; the session is renewed at sign-in; an unknown name costs the same
password hash check as a known one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from fundtrack.accounts import service, throttle
from fundtrack.accounts.models import LoginFailure
from fundtrack.database import unit_of_work
from fundtrack.enums import Role
from fundtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


def _try(client, username, password, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_name_even_for_the_right_password(app, client, users):
    name = users["finance"]
    for _ in range(throttle.USER_LIMIT):
        r = _try(client, name, "wrong")
        assert r.status_code == 200 and "用户名或密码错误" in r.get_data(as_text=True)
    r = _try(client, name, PASSWORD)
    assert r.status_code == 429
    assert "登录失败次数过多,请 15 分钟后再试" in r.get_data(as_text=True)
    assert 14 * 60 < int(r.headers["Retry-After"]) <= 15 * 60
    assert client.get("/").status_code == 302  # still not signed in
    # another user from the same address is not locked by it
    assert login(client, users["viewer"]).status_code == 302


def test_four_failures_do_not_lock_and_a_success_clears_them(app, client, users):
    name = users["finance"]
    for _ in range(throttle.USER_LIMIT - 1):
        _try(client, name, "wrong")
    assert _try(client, name, PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    for _ in range(throttle.USER_LIMIT - 1):
        _try(client, name, "wrong")
    assert _try(client, name, PASSWORD).status_code == 302


def test_the_lock_ends_when_the_window_has_passed_since_the_last_failure(app, client, users):
    name = users["finance"]
    for _ in range(throttle.USER_LIMIT):
        _try(client, name, "wrong")
    with app.app_context():  # move the failures back in time, just past the window
        db.session.execute(update(LoginFailure).values(
            at=LoginFailure.at - throttle.WINDOW - dt.timedelta(seconds=1)))
        db.session.commit()
    assert _try(client, name, PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_the_address(app, client, users):
    for i in range(throttle.IP_LIMIT):
        _try(client, f"guess{i}", "wrong", address="10.0.0.9")
    assert _try(client, users["viewer"], PASSWORD, address="10.0.0.9").status_code == 429
    assert _try(client, users["viewer"], PASSWORD, address="10.0.0.10").status_code == 302


def test_failures_are_counted_in_the_database_for_every_worker(app, users):
    """Two clients stand for two workers: they share nothing but the database."""
    a, b = app.test_client(), app.test_client()
    for client in (a, b, a, b):
        _try(client, users["finance"], "wrong")
    _try(a, users["finance"], "wrong")
    assert _try(b, users["finance"], PASSWORD).status_code == 429


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_the_session_is_renewed_at_sign_in(app, client, users):
    csrf_token(client)  # the login page puts a CSRF token in the session
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
        before_token = s["csrf_token"]
    before = _session_cookie(client)
    assert login(client, users["finance"]).status_code == 302
    after = _session_cookie(client)
    assert after and after != before
    with client.session_transaction() as s:
        assert "planted" not in s and s.get("csrf_token") != before_token
        assert s["_user_id"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with client.session_transaction() as s:
        assert "_user_id" not in s


def _method(password_hash: str) -> str:
    """The algorithm and cost of a werkzeug hash ("scrypt:32768:8:1")."""
    return password_hash.split("$", 1)[0]


@pytest.fixture
def hash_checks(monkeypatch):
    """The hashes sign-in checks a password against, in order."""
    checked = []
    real = service.check_password_hash

    def counting(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(service, "check_password_hash", counting)
    return checked


def test_every_sign_in_checks_one_hash_of_the_same_cost(app, client, users, hash_checks):
    """Whether the name exists, is switched off or has no password, one hash is checked,
    of the algorithm and cost of a user's, so the time taken does not tell them apart."""
    with app.app_context(), unit_of_work("测试"):
        service.update_user(service.get_user(users["auditor"]), active=False)
        service.create_user("nopass", Role.VIEWER)
        real_hash = service.get_user(users["finance"]).password_hash
    attempts = [
        ("nobody", "wrong", 200),  # no such name
        (users["finance"], "wrong", 200),
        (users["auditor"], PASSWORD, 200),  # switched off
        ("nopass", "wrong", 200),
        (users["finance"], PASSWORD, 302),
    ]
    for name, password, status in attempts:
        before = len(hash_checks)
        r = client.post("/login", data={"username": name, "password": password,
                                        "csrf_token": csrf_token(client)})
        assert r.status_code == status, name
        assert len(hash_checks) == before + 1, name
        assert _method(hash_checks[-1]) == _method(real_hash), name
    with app.app_context():
        assert hash_checks[0] == service.dummy_password_hash()


def test_passwords_are_hashed_with_werkzeugs_default(tmp_path):
    """Outside the tests (which choose a cheap hash), passwords and the dummy hash are
    made with werkzeug's default algorithm and cost, whatever that becomes."""
    from fundtrack import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t"},
                     instance_path=str(tmp_path))
    with app.app_context():
        made = _method(service.hash_password("x"))
        assert made == _method(generate_password_hash("x"))
        assert _method(service.dummy_password_hash()) == made


def test_simultaneous_wrong_sign_ins_never_pass_the_limit(app, users, hash_checks):
    """30 wrong passwords for one name at once: at most USER_LIMIT are checked (each
    attempt is counted in the database before its hash is checked), and the right
    password is then refused too. On PostgreSQL the counting raced before."""
    import threading

    name = users["finance"]
    clients = [app.test_client() for _ in range(30)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def wrong(client, token):
        start.wait()
        r = client.post("/login", data={"username": name, "password": "wrong",
                                        "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=wrong, args=pair) for pair in zip(clients, tokens,
                                                                         strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * throttle.USER_LIMIT + [429] * (30 - throttle.USER_LIMIT)
    assert len(hash_checks) == throttle.USER_LIMIT
    assert _try(app.test_client(), name, PASSWORD).status_code == 429
    assert len(hash_checks) == throttle.USER_LIMIT


def test_a_session_copied_before_sign_out_signs_in_nobody_after(app, client, users):
    assert login(client, users["finance"]).status_code == 302
    stolen = client.get_cookie("session").value
    assert client.get("/import/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    r = thief.get("/import/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_signing_out_ends_only_that_session(app, users):
    office, home = app.test_client(), app.test_client()
    login(office, users["finance"])
    login(home, users["finance"])
    office.post("/logout", data={"csrf_token": csrf_token(office, "/")})
    assert office.get("/import/").status_code == 302
    assert home.get("/import/").status_code == 200


def test_a_session_ends_after_its_hours(app, client, users):
    from fundtrack.accounts.models import UserSession, aware

    login(client, users["finance"])
    assert client.get("/import/").status_code == 200
    with app.app_context():
        (session,) = db.session.scalars(select(UserSession)).all()
        assert aware(session.expires_at) - aware(session.created_at) == dt.timedelta(
            hours=app.config["FUNDTRACK_SESSION_HOURS"])
        session.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert client.get("/import/").status_code == 302
