"""Sign-in throttling: repeated failures lock a user name (and a client address) a while.

The failures are rows of ``login_failure`` in the database, so every waitress thread and
every process sees the same count. After ``USER_LIMIT`` failures for a user name within
``WINDOW``, that name is refused (HTTP 429, even with the right password) until
``WINDOW`` has passed since its latest failure; the same for a client address after
``IP_LIMIT`` failures (higher: an office shares one address). A successful sign-in clears
the user name's failures, not the address's. Failures older than the window are pruned.

Concurrency: an attempt is counted *before* its password is checked. ``begin`` holds
the name's and the address's locks (PostgreSQL: advisory locks; SQLite: the write lock
of BEGIN IMMEDIATE) while it counts and inserts the attempt's rows, and the caller
commits at once; the hash is checked afterwards, outside any lock. So however many
sign-ins for one name arrive together, at most ``USER_LIMIT`` of them within the window
are ever checked; a success then takes its own rows back (``succeeded``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..database import lock_name
from ..extensions import db
from .models import LoginFailure, aware

USER_LIMIT = 5
IP_LIMIT = 20
WINDOW = dt.timedelta(minutes=15)
#: Longest user name or address kept (the column's width).
KEY_MAX = 100


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Attempt:
    """A sign-in counted as a failure until it succeeds: the ids of its rows."""

    username: str
    row_ids: list[int]


def _locked_until(kind: str, key: str, limit: int, now: dt.datetime) -> dt.datetime | None:
    count, latest = db.session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > now - WINDOW
        )
    ).one()
    if count >= limit:
        return aware(latest) + WINDOW
    return None


def begin(username: str, address: str | None) -> Attempt | int:
    """Count a sign-in attempt before its password is checked: the attempt (its rows
    stand as failures until ``succeeded``), or the seconds to wait when the name or the
    address is locked (nothing is counted then). The caller commits right after."""
    name, address = username[:KEY_MAX], (address or "")[:KEY_MAX] or None
    lock_name("signin-user", name)
    if address:
        lock_name("signin-ip", address)
    now = _now()
    until = [t for t in (
        _locked_until("user", name, USER_LIMIT, now),
        _locked_until("ip", address, IP_LIMIT, now) if address else None,
    ) if t is not None]
    if until:
        return max(1, math.ceil((max(until) - now).total_seconds()))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    rows = [LoginFailure(kind="user", key=name, at=now)]
    if address:
        rows.append(LoginFailure(kind="ip", key=address, at=now))
    db.session.add_all(rows)
    db.session.flush()
    return Attempt(name, [r.id for r in rows])


def succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt was no failure, and the name's earlier
    failures are cleared (the address's stay)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt.row_ids)))
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.kind == "user", LoginFailure.key == attempt.username))


def wait_text(seconds: int) -> str:
    return f"登录失败次数过多,请 {math.ceil(seconds / 60)} 分钟后再试"
