"""Users and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import lock_name
from ..enums import Role
from ..errors import NotFound, Refused
from ..extensions import db
from ..history.service import record
from ..projects.service import get_or_create_unit
from .models import ApiToken, User


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户「{username}」不存在", "username")
    return user


def create_user(
    username: str, role: Role, *, unit: str | None = None, password: str | None = None
) -> User:
    username = (username or "").strip()
    if not username:
        raise Refused("用户名不能为空", "username")
    lock_name("user", username)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused(f"用户「{username}」已存在", "username", conflict=True)
    if role == Role.MANAGER and not unit:
        raise Refused("项目责任单位用户须指定责任单位(--unit)", "unit")
    user = User(
        username=username,
        role=role,
        unit=get_or_create_unit(unit) if unit else None,
        password_hash=generate_password_hash(password) if password else None,
    )
    db.session.add(user)
    record("insert", user)
    return user


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User) -> str:
    """A new API token for the user; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    api_token = ApiToken(
        user_id=user.id, token_hash=_digest(token), created_at=dt.datetime.now(dt.UTC)
    )
    db.session.add(api_token)
    record("insert", api_token)
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or not row.user.active:
        return None
    return row.user
