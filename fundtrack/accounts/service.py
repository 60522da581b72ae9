"""Users and API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import lock_name
from ..enums import Role
from ..errors import NotFound, Refused
from ..extensions import db
from ..history.service import record, snapshot
from ..projects.models import Unit
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
        raise Refused("项目责任单位用户须指定责任单位", "unit")
    user = User(
        username=username,
        role=role,
        unit=get_or_create_unit(unit) if unit else None,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    record("insert", user)
    return user


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def hash_password(password: str) -> str:
    """The stored hash of ``password``, made with the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def dummy_password_hash() -> str:
    """The hash of a random password nobody knows, made like every user's (same algorithm
    and cost: tests/security/test_signin.py checks they agree). Sign-in checks against it
    when the name is unknown, inactive or has no password."""
    return _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None. Every call checks exactly one
    password hash, the user's or the dummy one, so that how long a sign-in takes does not
    tell whether a name exists."""
    user = db.session.scalar(select(User).where(User.username == username))
    usable = user is not None and user.active and bool(user.password_hash)
    matches = check_password_hash(user.password_hash if usable else dummy_password_hash(),
                                  password)
    return user if usable and matches else None


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


# --- managing users (the admin's users page) ---------------------------------------------

#: ``update_user(unit=KEEP)`` leaves the unit as it is.
KEEP = object()


def get_user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户(编号 {user_id})不存在", "user")
    return user


def list_users() -> list[User]:
    """Every user with their unit, by name (one statement)."""
    return list(db.session.scalars(
        select(User).options(joinedload(User.unit)).order_by(User.username)
    ))


def unit_names() -> list[str]:
    return list(db.session.scalars(select(Unit.name).order_by(Unit.name)))


def check_role_unit(role: Role, unit: str | None) -> None:
    """A manager keeps the projects of one unit, so must have one."""
    if role == Role.MANAGER and not (unit or "").strip():
        raise Refused("项目责任单位用户须指定责任单位", "unit")


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
        )
    )


def update_user(user: User, *, role: Role | None = None, unit=KEEP,
                active: bool | None = None) -> User:
    """Change a user's role, unit (a name, created if new; None or "" for none) or whether
    they may sign in. Refuses a manager without a unit and leaving no active admin."""
    new_role = role if role is not None else user.role
    if unit is KEEP:
        new_unit = user.unit.name if user.unit else None
    else:
        new_unit = (unit or "").strip() or None
    new_active = user.active if active is None else active
    check_role_unit(new_role, new_unit)
    was_admin = user.role == Role.ADMIN and user.active
    if was_admin and not (new_role == Role.ADMIN and new_active) \
            and _other_active_admins(user) == 0:
        raise Refused("至少须保留一个启用的系统管理员", "active" if not new_active else "role")
    old_unit = user.unit.name if user.unit else None
    if (new_role, new_unit, new_active) == (user.role, old_unit, user.active):
        return user
    before = snapshot(user)
    user.role = new_role
    if new_unit != old_unit:
        user.unit = get_or_create_unit(new_unit) if new_unit else None
    user.active = new_active
    record("update", user, before)
    return user


def issue_token(user: User) -> str:
    """A new API token for an active user (shown once)."""
    if not user.active:
        raise Refused(f"用户「{user.username}」已停用,不能签发令牌", "user")
    return create_token(user)
