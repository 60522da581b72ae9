"""Writing the change history, in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from operator import attrgetter

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import instance_state

from ..bulk import insert_values
from ..database import current_actor
from ..extensions import db
from ..importsession import ImportSession, current
from .models import Change

#: Types written into the history as they are (the common case, checked first).
_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value):
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    return value


#: Columns never copied into the history (secrets).
_HIDDEN = {"password_hash", "token_hash"}


def snapshot(obj) -> dict:
    """The record's column values, as JSON-ready text and numbers (read from the
    record's own values when loaded: an import takes tens of thousands)."""
    state = instance_state(obj)
    values = state.dict
    shown = {}
    for key in _shown(state.mapper):
        value = values[key] if key in values else getattr(obj, key)
        shown[key] = value if type(value) in _AS_IS else _plain(value)
    return shown


@cache
def _shown(mapper) -> tuple[str, ...]:
    return tuple(c.key for c in mapper.column_attrs if c.key not in _HIDDEN)


def _key(obj) -> str | None:
    """How users name the record: its code, voucher number or name, or the model's own
    ``history_key`` (a milestone is "XM001/开工")."""
    name = _naming(type(obj))
    return name(obj) if name is not None else None


@cache
def _naming(model):
    """``_key``'s rule for one model, found once."""
    if hasattr(model, "history_key"):
        return attrgetter("history_key")
    for attr in ("code", "voucher_no", "username", "name"):
        if hasattr(model, attr):
            return lambda obj, attr=attr: str(getattr(obj, attr))
    return None


@dataclass
class _Pending:
    """A change noted by ``record`` within a batched import session, written when the
    ids are known."""

    at: dt.datetime
    actor: str
    action: str
    obj: object
    before: dict | None
    #: The record after the change; None until a flush has written a new record (its
    #: id, and keys set through relationships, are known only then).
    after: dict | None = None


@dataclass
class _Deferred:
    changes: list[_Pending]
    #: id(record) → its change still waiting for a flush to take its ``after``.
    unwritten: dict[int, _Pending]

    def take_snapshots(self) -> None:
        """Flush, then take the ``after`` of every new record noted so far."""
        db.session.flush()
        for p in self.unwritten.values():
            p.after = snapshot(p.obj)
        self.unwritten.clear()


def record(action: str, obj, before: dict | None = None) -> Change | None:
    """Note that ``obj`` was inserted, updated or reversed by the current actor.

    Within a batched import session the change is kept and written at its end
    (``write_deferred``; returns None); otherwise it is added to the session at once.
    """
    session = current()
    if session is not None and session.batched:
        if session.history is None:
            session.history = _Deferred([], {})
        deferred_ = session.history
        if id(obj) in deferred_.unwritten:  # changed again: its first change's after now
            deferred_.take_snapshots()
        change = _Pending(dt.datetime.now(dt.UTC), current_actor(), action, obj, before)
        if getattr(obj, "id", None) is not None or inspect(obj).persistent:  # bulk.add
            change.after = snapshot(obj)
        else:
            deferred_.unwritten[id(obj)] = change
        deferred_.changes.append(change)
        return None
    db.session.flush()  # the record needs its id
    change = Change(
        at=dt.datetime.now(dt.UTC),
        actor=current_actor(),
        action=action,
        entity=obj.__tablename__,
        entity_id=obj.id,
        entity_key=_key(obj),
        before=before,
        after=snapshot(obj),
    )
    db.session.add(change)
    return change


def write_deferred(session: ImportSession) -> None:
    """The end of a batched import session (importsession.import_session): ``record`` did
    not flush the session for every record; the changes it noted (each with its own time,
    actor, before and after) are inserted together now, after one flush has given every
    new record its id. Still the same transaction: a rollback takes them back with the
    records."""
    state, session.history = session.history, None
    if state is None or not state.changes:
        return
    state.take_snapshots()
    insert_values(Change.__table__, _COLUMNS, (
        (p.at, p.actor, p.action, p.obj.__tablename__, p.obj.id, _key(p.obj), p.before,
         p.after)
        for p in state.changes
    ))


#: The columns ``write_deferred`` fills, in its rows' order.
_COLUMNS = ["at", "actor", "action", "entity", "entity_id", "entity_key", "before", "after"]
