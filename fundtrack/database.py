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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from .extensions import db
from .importsession import holds_kind

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


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _advisory_key(text: str):
    return func.hashtextextended(text, 0)


def lock_name(kind: str, name: str) -> None:
    """Serialize, until the transaction ends, the writers that check whether ``name`` is
    free (a voucher number, a code): the second one then sees the first one's row and is
    refused with a message instead of tripping the unique index. SQLite: the write lock
    already does it. PostgreSQL: transaction-level advisory locks, two-level: the kind
    shared (``voucher:*``), then the name exclusive. A bulk writer holds the whole kind
    instead (``hold_kinds``, by its import session), and then takes no lock per name.
    """
    if holds_kind(kind) or not _postgresql():
        return
    db.session.execute(select(func.pg_advisory_xact_lock_shared(_advisory_key(f"{kind}:*"))))
    db.session.execute(select(func.pg_advisory_xact_lock(_advisory_key(f"{kind}:{name}"))))


def hold_kinds(kinds: Iterable[str]) -> None:
    """For one writer adding many names in one transaction (an import session, which
    calls it as it begins): hold each kind whole, exclusive, until the transaction ends,
    instead of one lock per name (tens of thousands of those would exhaust PostgreSQL's
    lock table: "out of shared memory"). Single writers hold the kind shared, so they
    wait for the bulk writer; it takes its kinds at once, before any row lock, so the
    two never wait on each other in a circle.
    """
    if _postgresql():
        for kind in sorted(kinds):
            db.session.execute(select(func.pg_advisory_xact_lock(_advisory_key(f"{kind}:*"))))
