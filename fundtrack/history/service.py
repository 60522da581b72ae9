"""Writing the change history, in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import inspect

from ..database import current_actor
from ..extensions import db
from .models import Change


def _plain(value):
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
    """The record's column values, as JSON-ready text and numbers."""
    mapper = inspect(obj).mapper
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in mapper.column_attrs
        if c.key not in _HIDDEN
    }


def _key(obj) -> str | None:
    """How users name the record: its code, voucher number or name, or the model's own
    ``history_key`` (a milestone is "XM001/开工")."""
    if hasattr(obj, "history_key"):
        return obj.history_key
    for attr in ("code", "voucher_no", "username", "name"):
        if hasattr(obj, attr):
            return str(getattr(obj, attr))
    return None


def record(action: str, obj, before: dict | None = None) -> Change:
    """Note that ``obj`` was inserted, updated or reversed by the current actor."""
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
