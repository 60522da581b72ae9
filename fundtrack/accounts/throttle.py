"""Sign-in throttling: repeated failures lock a user name (and a client address) a while.

The failures are rows of ``login_failure`` in the database, so every waitress thread and
every process sees the same count. After ``USER_LIMIT`` failures for a user name within
``WINDOW``, that name is refused (HTTP 429, even with the right password) until
``WINDOW`` has passed since its latest failure; the same for a client address after
``IP_LIMIT`` failures (higher: an office shares one address). A successful sign-in clears
the user name's failures, not the address's. Failures older than the window are pruned.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select

from ..extensions import db
from .models import LoginFailure

USER_LIMIT = 5
IP_LIMIT = 20
WINDOW = dt.timedelta(minutes=15)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _locked_until(kind: str, key: str, limit: int, now: dt.datetime) -> dt.datetime | None:
    count, latest = db.session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > now - WINDOW
        )
    ).one()
    if count >= limit:
        return _aware(latest) + WINDOW
    return None


def locked_for(username: str, address: str | None) -> int | None:
    """Seconds until sign-in may be tried again for this name or address, or None."""
    now = _now()
    until = [
        t for t in (
            _locked_until("user", username[:100], USER_LIMIT, now),
            _locked_until("ip", address, IP_LIMIT, now) if address else None,
        ) if t is not None
    ]
    if not until:
        return None
    return max(1, math.ceil((max(until) - now).total_seconds()))


def note_failure(username: str, address: str | None) -> None:
    now = _now()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    db.session.add(LoginFailure(kind="user", key=username[:100], at=now))
    if address:
        db.session.add(LoginFailure(kind="ip", key=address[:100], at=now))
    db.session.flush()


def clear_failures(username: str) -> None:
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.kind == "user", LoginFailure.key == username)
    )


def wait_text(seconds: int) -> str:
    return f"登录失败次数过多,请 {math.ceil(seconds / 60)} 分钟后再试"
