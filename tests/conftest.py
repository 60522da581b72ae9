"""Fixtures: an app on a fresh database built by the migrations, on SQLite and, when
FUNDTRACK_TEST_DATABASE_URL is set, on PostgreSQL too (every test runs on both)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundtrack import create_app, jobs
from fundtrack.database import acting_as
from fundtrack.extensions import db
from fundtrack.importsession import import_session
from tests.teardown import DRAIN_SECONDS

PG_URL = os.environ.get("FUNDTRACK_TEST_DATABASE_URL")
#: Tests create users by the thousand: one round of PBKDF2 instead of scrypt's cost.
#: (tests/security/test_signin.py checks that the app's own default is werkzeug's.)
CHEAP_HASH = "pbkdf2:sha256:1"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _migrate(url: str, instance: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url}, instance_path=instance)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory):
    """A migrated database for the session: (backend, url of a template or the database)."""
    instance = str(tmp_path_factory.mktemp("instance"))
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
        _migrate(f"sqlite:///{path}", instance)
        yield ("sqlite", str(path), instance)
        return
    yield from pg_database("fundtrack_test", instance)


def pg_database(prefix: str, instance: str):
    """Create a PostgreSQL database of its own, migrate it, yield its details, drop it."""
    base = make_url(PG_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    _migrate(url, instance)
    yield ("postgresql", url, instance)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def serve_app(database, path, monkeypatch):
    """An app on ``database`` (for SQLite, a copy of the template at ``path``); yields it
    and leaves the database empty afterwards."""
    backend, where, instance = database
    monkeypatch.setenv("FUNDTRACK_SECRET_KEY", "test-secret")
    if backend == "sqlite":
        shutil.copy(where, path)
        url = f"sqlite:///{path}"
    else:
        url = where
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "FUNDTRACK_REGION": "测试县",
         "PASSWORD_HASH_METHOD": CHEAP_HASH,
         # an import answers its request, however loaded the machine (tests of the
         # progress page set it to 0)
         "FUNDTRACK_PROGRESS_AFTER": 600,
         # each test its own store of documents (the instance folder is the session's)
         "FUNDTRACK_FILES": str(Path(path).parent / "files"),
         # and its own finished exports waiting for their download
         "FUNDTRACK_EXPORTS": str(Path(path).parent / "exports")},
        instance_path=instance,
    )
    app.config["BACKEND"] = backend
    yield app
    # a background job still running (an export the test did not wait for) would hold
    # the locks TRUNCATE needs, and its connection would outlive the engine
    for job in jobs.unfinished():
        if not job.wait(DRAIN_SECONDS):
            pytest.fail(f"background job {job.id} still running after the test")
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            _truncate_all()
        db.engine.dispose()


def pytest_collection_modifyitems(items):
    """Tests under tests/browser drive Chromium: marked ``browser`` (README's fast lane
    leaves them out with ``-m "not slow and not browser"``)."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app(database, tmp_path, monkeypatch):
    yield from serve_app(database, tmp_path / "fundtrack.sqlite", monkeypatch)


@pytest.fixture
def import_side() -> bool:
    """Whether the test's body runs inside an import session (see ``both_sides`` below)."""
    return False


@pytest.fixture
def ctx(app, import_side):
    """An app context in which a test acts as the user 测试员 (for the change history)."""
    with app.app_context(), acting_as("测试员"):
        yield app
        db.session.rollback()


# --- the rules inside and outside an import session ------------------------------------


def pytest_generate_tests(metafunc):
    """A module marked ``both_sides`` (the rule tests) runs each of its ``ctx`` tests
    twice: as a single entry, and inside an import session, which is what the importer
    runs in. What the session keeps then cannot drift from what the database says."""
    if "ctx" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_sides"):
        metafunc.parametrize("import_side", [False, True], ids=["alone", "in_import"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The second run: the test's body inside an import session, its fixtures already set
    up (as a database is before an import). Writes are not batched there: a test reads
    the change history and changes records it added, which the importer never does."""
    if not getattr(item, "callspec", None) or not item.callspec.params.get("import_side"):
        return (yield)
    with import_session(batched=False):
        return (yield)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def client(app):
    return app.test_client()


# --- counting SQL statements -----------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements run on the app's engine while active (a context manager).
    BEGIN, PRAGMA and SAVEPOINT are left out: they ask the database nothing."""

    _SKIPPED = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE SAVEPOINT")

    def __init__(self, app):
        self.app = app
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(self._SKIPPED):
            self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.fixture
def count_statements(app):
    """count_statements(client, path): the SQL statements a GET of ``path`` runs (it must
    answer 200)."""

    def count(client, path: str) -> int:
        with StatementCounter(app) as counter:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return counter.count

    return count


# --- users and signing in -----------------------------------------------------------

#: One user per role; the manager keeps the projects of 县交通运输局.
ROLE_USERS = {
    "admin": ("admin", None),
    "finance": ("caizheng", None),
    "manager": ("jiaotong", "县交通运输局"),
    "auditor": ("shenji", None),
    "viewer": ("lingdao", None),
}
PASSWORD = "correct horse 2024"


@pytest.fixture
def users(app):
    """Creates one user per role; returns role → username."""
    from fundtrack.accounts.service import create_user
    from fundtrack.database import unit_of_work
    from fundtrack.enums import Role

    with app.app_context(), unit_of_work("测试"):
        for role, (name, unit) in ROLE_USERS.items():
            create_user(name, Role(role), unit=unit, password=PASSWORD)
    return {role: name for role, (name, _) in ROLE_USERS.items()}


@pytest.fixture
def tokens(app, users):
    """An API token per role: role → token."""
    from fundtrack.accounts.service import create_token, get_user
    from fundtrack.database import unit_of_work

    out = {}
    with app.app_context(), unit_of_work("测试"):
        for role, name in users.items():
            out[role] = create_token(get_user(name))
    return out


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page's form carries (as a browser would read it)."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the login form, CSRF token and all."""
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})
