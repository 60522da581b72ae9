"""Users, their roles, their signed-in sessions, and API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumCode, Role
from ..extensions import db
from ..projects.models import Unit


def aware(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time with its zone (SQLite keeps UTC times without it)."""
    return at if at is None or at.tzinfo else at.replace(tzinfo=dt.UTC)


class User(db.Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: The person's real name (姓名), shown beside the user name; optional.
    name: Mapped[str | None] = mapped_column(String(50))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: When the password was last set (it shows in the change history; the hash never does).
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    role: Mapped[Role] = mapped_column(EnumCode(Role))
    #: For a manager: the unit whose projects they keep.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit | None] = relationship()

    # Flask-Login
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    @property
    def display_name(self) -> str:
        """How screens name the person: "姓名(用户名)", or the user name alone."""
        return f"{self.name}({self.username})" if self.name else self.username


class UserSession(db.Model):
    """A browser session signed in on the server: the signed session cookie carries its
    key, each request must find it here, and signing out deletes it (a copied cookie then
    signs in nobody)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    #: SHA-256 of the session key kept in the cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The session ends then at the latest (FUNDTRACK_SESSION_HOURS after sign-in).
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    #: What the token is for, as its owner names it ("月报脚本").
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The token signs in nobody from then on.
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the token was revoked (by its user or an admin); it then signs in nobody.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def history_key(self) -> str:
        return f"{self.user.username}/{self.name}" if self.user else self.name

    def usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and aware(self.expires_at) > now

    def status(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        return "有效" if aware(self.expires_at) > now else "已过期"


class LoginFailure(db.Model):
    """One failed sign-in, by user name and by client address (see accounts.throttle)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "user" (key: the user name tried) or "ip" (key: the client address).
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
