"""The data's version: which transactions write, and the token every reader keys by.

A statement that writes (INSERT, UPDATE, DELETE) marks its connection for the rest of
the transaction. Before such a transaction commits, the session replaces the token
(``UPDATE data_version``), so the new token becomes visible with the data, atomically.
A rolled-back transaction leaves the old token, and a token is random, so a value
computed in a transaction that did not commit can never be keyed by a token that a later
commit writes. Within a transaction that has written, ``current_token`` is None: its
figures are computed and not kept.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..extensions import db
from .models import ROW_ID, DataVersion

_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_WROTE = "fundtrack_wrote"
_TOKEN = "fundtrack_token"


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    if _WRITES.match(statement):
        conn.info[_WROTE] = True


def note_write(conn) -> None:
    """Mark ``conn``'s transaction as writing when it writes past the engine's statement
    events (PostgreSQL's COPY, fundtrack/bulk.py)."""
    conn.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ends(conn):
    conn.info.pop(_WROTE, None)
    conn.info.pop(_TOKEN, None)


_CONNECTIONS = "fundtrack_connections"


@event.listens_for(Session, "after_begin")
def _remember_connection(session, transaction, connection):
    session.info.setdefault(_CONNECTIONS, []).append(connection)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_connections(session):
    session.info.pop(_CONNECTIONS, None)


@event.listens_for(Session, "before_commit")
def _new_version(session):
    session.flush()  # what commit would flush next is a write of this transaction too
    for conn in session.info.get(_CONNECTIONS, ()):
        if not conn.closed and conn.info.get(_WROTE):
            token = uuid.uuid4().hex
            done = conn.execute(update(DataVersion).where(DataVersion.id == ROW_ID)
                                .values(token=token))
            if done.rowcount == 0:  # a database emptied by hand (tests truncate tables)
                conn.execute(insert(DataVersion).values(id=ROW_ID, token=token))


def current_token() -> str | None:
    """The version the data of this transaction has; None when this transaction has
    written (its figures are its own) or the version row is missing. Read once per
    transaction."""
    conn = db.session.connection()
    if conn.info.get(_WROTE):
        return None
    if _TOKEN not in conn.info:
        conn.info[_TOKEN] = db.session.scalar(
            select(DataVersion.token).where(DataVersion.id == ROW_ID))
    return conn.info[_TOKEN]
