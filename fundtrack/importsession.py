"""The import session: what one bulk writer (the importer) keeps for its one transaction.

A county's workbook adds tens of thousands of rows through the same services as a single
entry. Checking every row against the database would read the same channels, projects
and sums again for every row, so within an import session the services read each once
and keep it, and every write keeps what was read current:

- ``find_by(Model, key=value)``: a record by a unique key (a code, a voucher number, a
  unit's name), None when there is none. Looked up once (or at once for the names the
  workbook gives, ``ImportSession.preload``); a record the session adds is found by its
  unique keys at once.
- ``kept(kind, key, load)``: a value the rules compare against (a channel's cash by day,
  a project's milestones, the latest close), loaded once; ``update`` keeps it current
  after a write, only if loaded (a value loaded later reads the write itself).
- ``is_new(record)``: whether the session added the record (it has nothing else yet,
  so its sums start empty without a query); ``lock_once(record)``: a row lock taken once
  and held to the end of the transaction.
- The name kinds held whole (``database.lock_name`` takes no lock per name then).
- Batched writes (``batched``, the importer): new records inserted by table in batches
  (fundtrack.bulk), the change history written together at the end
  (history.service).

Outside a session every one of these reads the database, as a single entry does; the
rules and their messages are the same code either way. The rule tests run both inside
and outside a session, so what is kept cannot drift from what the database says.

There is one accessor, ``current()``; the services call the module's functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import UniqueConstraint, inspect, select

from .extensions import db

T = TypeVar("T")

#: Keys per ``IN (...)`` when looking names up at once.
LOOKUP_CHUNK = 500


@dataclass
class ImportSession:
    """See the module's docstring."""

    #: Kinds of names (database.lock_name) held whole by this writer.
    kinds: frozenset[str] = frozenset()
    #: Whether new records and the change history are written in batches.
    batched: bool = True
    #: model → key attributes → key values → the record (None: known not to exist).
    found: dict[type, dict[tuple[str, ...], dict[tuple, Any]]] = field(default_factory=dict)
    #: id() of the records added within the session.
    added: set[int] = field(default_factory=set)
    #: (table name, id) of the rows locked in this transaction.
    locked: set[tuple[str, int]] = field(default_factory=set)
    #: kind → key → a value loaded once and kept current (``kept``).
    values: dict[str, dict[Any, Any]] = field(default_factory=dict)
    #: New records not yet inserted (fundtrack.bulk), when batched.
    staged: Any = None
    #: Changes waiting to be written at the end (history.service), when batched.
    history: Any = None

    def preload(self, model, attr: str, names: Iterable) -> None:
        """Look up the records of ``model`` whose ``attr`` is one of ``names`` at once:
        one statement per ``LOOKUP_CHUNK`` names."""
        names = sorted({n for n in names if n is not None})
        index = self._index(model, (attr,))
        column = getattr(model, attr)
        for n in names:
            index.setdefault((n,), None)
        for start in range(0, len(names), LOOKUP_CHUNK):
            chunk = names[start:start + LOOKUP_CHUNK]
            for row in db.session.scalars(select(model).where(column.in_(chunk))):
                index[(getattr(row, attr),)] = row

    def _index(self, model, attrs: tuple[str, ...]) -> dict[tuple, Any]:
        return self.found.setdefault(model, {}).setdefault(attrs, {})

    def note_added(self, record) -> None:
        """A record added within the session: new, and found by its unique keys."""
        self.added.add(id(record))
        for attrs in _unique_keys(type(record)):
            self._index(type(record), attrs)[tuple(getattr(record, a) for a in attrs)] = record


_current: ContextVar[ImportSession | None] = ContextVar("fundtrack_import", default=None)


def current() -> ImportSession | None:
    """The import session now running, or None (a single entry)."""
    return _current.get()


@contextmanager
def import_session(*, kinds: Iterable[str] = (), batched: bool = True
                   ) -> Iterator[ImportSession]:
    """Run what follows in one import session. Enter it at the start of the transaction:
    the name kinds are held from then on (``database.hold_kinds``). Leaving it normally
    writes what is still staged and the change history; leaving it by an exception
    writes nothing (the transaction is to be rolled back)."""
    from . import bulk  # these import this module: imported when a session begins
    from .database import hold_kinds
    from .history.service import write_deferred

    session = ImportSession(kinds=frozenset(kinds), batched=batched)
    hold_kinds(session.kinds)
    token = _current.set(session)
    try:
        if batched:
            with bulk.staging(session):
                yield session
        else:
            yield session
    finally:
        _current.reset(token)
    write_deferred(session)


# --- what the services call -----------------------------------------------------------


def find_by(model, **key):
    """The record of ``model`` with that unique key (already normalised), or None."""
    session = _current.get()
    if session is None:
        return db.session.scalar(select(model).filter_by(**key))
    index = session._index(model, tuple(key))
    values = tuple(key.values())
    try:
        return index[values]
    except KeyError:
        record = index[values] = db.session.scalar(select(model).filter_by(**key))
        return record


def note_added(record) -> None:
    """Tell the session (if any) that ``record`` was added (fundtrack.bulk.add)."""
    session = _current.get()
    if session is not None:
        session.note_added(record)


def is_new(record) -> bool:
    """Whether ``record`` was added within the import session now running."""
    session = _current.get()
    return session is not None and id(record) in session.added


def lock_once(record) -> bool:
    """Whether the row of ``record`` is to be locked now: always for a single entry;
    within a session once per row, held to the end of the transaction, and never for a
    row the session added (no one else sees it yet)."""
    session = _current.get()
    if session is None:
        return True
    key = (record.__tablename__, record.id)
    if id(record) in session.added or key in session.locked:
        return False
    session.locked.add(key)
    return True


def kept(kind: str, key, load: Callable[[], T]) -> T:
    """``load()``: for a single entry every time; within a session once per (kind, key),
    then kept (and kept current by ``update``)."""
    session = _current.get()
    if session is None:
        return load()
    values = session.values.setdefault(kind, {})
    if key in values:
        return values[key]
    value = values[key] = load()
    return value


def update(kind: str, key, change: Callable[[T], T]) -> None:
    """After a write: the kept value of (kind, key) becomes ``change(value)``, if it was
    loaded (one loaded later reads the write from the database)."""
    session = _current.get()
    if session is None:
        return
    values = session.values.get(kind)
    if values is not None and key in values:
        values[key] = change(values[key])


def holds_kind(kind: str) -> bool:
    """Whether the session now running holds every name of ``kind`` (database.lock_name)."""
    session = _current.get()
    return session is not None and kind in session.kinds


def _unique_keys(model) -> list[tuple[str, ...]]:
    """The attributes of each unique key of ``model`` (a column, a constraint, an index)."""
    keys = _UNIQUE.get(model)
    if keys is None:
        mapper = inspect(model)
        table = mapper.local_table
        columns = [(c,) for c in table.columns if c.unique]
        columns += [tuple(constraint.columns) for constraint in table.constraints
                    if isinstance(constraint, UniqueConstraint)]
        columns += [tuple(index.columns) for index in table.indexes if index.unique]
        keys = _UNIQUE[model] = sorted({
            tuple(mapper.get_property_by_column(c).key for c in cols) for cols in columns
        })
    return keys


_UNIQUE: dict[type, list[tuple[str, ...]]] = {}
