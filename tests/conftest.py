"""Fixtures: an app on a fresh database built by the migrations, on SQLite and, when
FUNDTRACK_TEST_DATABASE_URL is set, on PostgreSQL too (every test runs on both)."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundtrack import create_app
from fundtrack.database import acting_as
from fundtrack.extensions import db

PG_URL = os.environ.get("FUNDTRACK_TEST_DATABASE_URL")
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
    base = make_url(PG_URL)
    name = f"fundtrack_test_{uuid.uuid4().hex[:10]}"
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


@pytest.fixture
def app(database, tmp_path, monkeypatch):
    backend, where, instance = database
    monkeypatch.setenv("FUNDTRACK_SECRET_KEY", "test-secret")
    if backend == "sqlite":
        path = tmp_path / "fundtrack.sqlite"
        shutil.copy(where, path)
        url = f"sqlite:///{path}"
    else:
        url = where
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "FUNDTRACK_REGION": "测试县"},
        instance_path=instance,
    )
    app.config["BACKEND"] = backend
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            _truncate_all()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context in which a test acts as the user 测试员 (for the change history)."""
    with app.app_context(), acting_as("测试员"):
        yield app
        db.session.rollback()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def client(app):
    return app.test_client()
