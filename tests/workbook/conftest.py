"""A second, empty database beside the ``app`` one, for round trips (export from one,
import into the other), on the same backend as ``app``."""

from __future__ import annotations

import pytest

from tests.conftest import pg_database, serve_app


@pytest.fixture(scope="session")
def second_database(database):
    backend, where, instance = database
    if backend == "sqlite":
        yield (backend, where, instance)  # the template; each test copies it
        return
    yield from pg_database("fundtrack_test2", instance)


@pytest.fixture
def fresh_app(second_database, tmp_path, monkeypatch):
    """Another app on an empty, migrated database, configured like ``app``."""
    yield from serve_app(second_database, tmp_path / "second.sqlite", monkeypatch)
