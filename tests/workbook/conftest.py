"""A second, empty database beside the ``app`` one, for round trips (export from one,
import into the other), on the same backend as ``app``."""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundtrack import create_app
from fundtrack.extensions import db
from tests.conftest import PG_URL, _migrate, _truncate_all


@pytest.fixture(scope="session")
def second_database(database, tmp_path_factory):
    backend, where, instance = database
    if backend == "sqlite":
        yield (backend, where, instance)  # the template; each test copies it
        return
    name = f"fundtrack_test2_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _migrate(url, instance)
    yield (backend, url, instance)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_app(second_database, tmp_path, monkeypatch):
    """Another app on an empty, migrated database, configured like ``app``."""
    backend, where, instance = second_database
    monkeypatch.setenv("FUNDTRACK_SECRET_KEY", "test-secret")
    if backend == "sqlite":
        path = tmp_path / "second.sqlite"
        shutil.copy(where, path)
        url = f"sqlite:///{path}"
    else:
        url = where
    other = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "FUNDTRACK_REGION": "测试县"},
        instance_path=instance,
    )
    yield other
    with other.app_context():
        db.session.remove()
        if backend == "postgresql":
            _truncate_all()
        db.engine.dispose()

