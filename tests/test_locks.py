"""Name locks on PostgreSQL: one lock per name for a single writer, one per kind for a
bulk writer (an import of tens of thousands of vouchers must fit the server's lock
table), and a single writer waits while a bulk writer holds the kind."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from fundtrack.database import lock_name
from fundtrack.extensions import db
from fundtrack.importsession import import_session


def _advisory_locks_held() -> int:
    return db.session.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND pid = pg_backend_pid()")).scalar()


@pytest.fixture
def pg(ctx):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    return ctx


def test_a_single_writer_locks_each_name_and_shares_the_kind(pg):
    for i in range(30):
        lock_name("voucher", f"PZ{i:04d}")
    assert _advisory_locks_held() == 31


def test_a_bulk_writer_holds_one_lock_per_kind_whatever_the_number_of_names(pg):
    with import_session(kinds=("voucher", "project"), batched=False):
        for i in range(3000):
            lock_name("voucher", f"PZ{i:05d}")
            lock_name("project", f"XM{i:05d}")
        assert _advisory_locks_held() == 2


def test_a_single_writer_waits_for_a_bulk_writer_to_finish(pg):
    app = pg
    got_lock = threading.Event()

    def single_writer():
        with app.app_context():
            lock_name("voucher", "PZ0001")
            got_lock.set()
            db.session.rollback()

    with import_session(kinds=("voucher",), batched=False):
        worker = threading.Thread(target=single_writer)
        worker.start()
        assert not got_lock.wait(1.0), "the single writer went ahead of the bulk writer"
        db.session.rollback()  # the bulk writer's transaction ends
    assert got_lock.wait(10.0), "the single writer never got its lock"
    worker.join(10)
