"""Transactions: one unit of work per request or command, and who is acting in it.

Services only ``flush()``; the unit of work commits once, or rolls back on any error.

SQLite serializes writers. pysqlite would start its transactions lazily at the first
write, so a rule checked by a read could be overtaken by another writer between the
check and the insert. Instead every transaction here begins with ``BEGIN IMMEDIATE``
(it takes the write lock at once, waiting up to the busy timeout), except those marked
read-only, which begin deferred and never block writers. PostgreSQL locks rows instead
(see ``funds.service.lock_source``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from .extensions import db

_actor: ContextVar[str | None] = ContextVar("fundtrack_actor", default=None)
_sqlite_begin: ContextVar[str] = ContextVar("fundtrack_sqlite_begin", default="BEGIN IMMEDIATE")


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA busy_timeout = 30000")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_tx(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_sqlite_begin.get())


def enter_read_only() -> Token:
    """Mark what follows (until ``leave_read_only``) as read-only: see ``read_only``."""
    return _sqlite_begin.set("BEGIN")


def leave_read_only(token: Token) -> None:
    _sqlite_begin.reset(token)


@contextmanager
def read_only() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they do not take the write lock."""
    token = _sqlite_begin.set("BEGIN")
    try:
        yield
    finally:
        _sqlite_begin.reset(token)


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Name who makes the changes recorded in the change history."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    actor = _actor.get()
    if actor is None:
        raise RuntimeError("a change was made outside unit_of_work()/acting_as(): no actor")
    return actor


@contextmanager
def unit_of_work(actor: str) -> Iterator[None]:
    """One transaction: commit at the end, roll back on any error."""
    with acting_as(actor):
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


#: lock_name hashes names into keys between -LOCK_BUCKETS and LOCK_BUCKETS (exclusive):
#: PostgreSQL's lock table is shared by every session and small.
LOCK_BUCKETS = 512


def lock_name(kind: str, name: str) -> None:
    """Serialize, until the transaction ends, the writers that check whether ``name`` is
    free (a voucher number, a code): the second one then sees the first one's row and is
    refused with a message instead of tripping the unique index. PostgreSQL: a
    transaction-level advisory lock on the name; SQLite: the write lock already does it.

    Names are hashed into fewer than 2 × ``LOCK_BUCKETS`` keys: an import of tens of
    thousands of vouchers in one transaction would otherwise hold as many locks and
    exhaust the server's lock table ("out of shared memory"). Two names in one bucket
    wait for each other; with the channel row locks this can, rarely, deadlock, which
    PostgreSQL detects by ending one transaction (nothing of it is written).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        key = func.hashtextextended(f"{kind}:{name}", 0) % LOCK_BUCKETS
        db.session.execute(select(func.pg_advisory_xact_lock(key)))
