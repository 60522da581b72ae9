"""Users, their passwords and real names, signed-in sessions and API tokens.

Every change to a user or a token is recorded in the change history; sessions (sign-in
and sign-out) are not changes to the ledger and are not recorded.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import lock_name
from ..enums import Role
from ..errors import NotFound, Refused
from ..extensions import db
from ..history.service import record, snapshot
from ..projects.models import Unit
from ..projects.service import find_unit, get_or_create_unit
from . import passwords
from .models import ApiToken, User, UserSession

#: The longest real name (姓名) kept.
NAME_MAX = 50


def now() -> dt.datetime:
    """The present moment, as sessions and tokens are dated (UTC)."""
    return dt.datetime.now(dt.UTC)


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户「{username}」不存在", "username")
    return user


def _clean_name(name: str | None) -> str | None:
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise Refused(f"姓名不能超过 {NAME_MAX} 个字符", "name")
    return name or None


def user_unit(name: str | None, *, create: bool) -> Unit | None:
    """The unit a user is given, by its name. A name no unit has is refused, naming the
    close matches (or the known units), unless ``create`` says a new unit is meant: a
    typo must not quietly make a second unit."""
    name = (name or "").strip()
    if not name:
        return None
    unit = find_unit(name)
    if unit is not None:
        return unit
    if create:
        return get_or_create_unit(name)
    known = unit_names()
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if close:
        hint = f"您是否要找:{'、'.join(close)}?"
    elif known:
        hint = f"已有的责任单位:{'、'.join(known[:20])}{' 等' if len(known) > 20 else ''}。"
    else:
        hint = "系统中还没有任何责任单位。"
    raise Refused(f"责任单位「{name}」不存在。{hint}如确需新建该单位,请明确选择新建。", "unit")


def create_user(
    username: str, role: Role, *, unit: str | None = None, password: str | None = None,
    name: str | None = None, new_unit: bool = True,
) -> User:
    """A new user. ``new_unit`` says whether a unit name no unit has creates that unit
    (the command line and the users page pass what the person asked for; see
    ``user_unit``)."""
    username = (username or "").strip()
    if not username:
        raise Refused("用户名不能为空", "username")
    lock_name("user", username)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused(f"用户「{username}」已存在", "username", conflict=True)
    check_role_unit(role, unit)
    if password is not None:
        passwords.check(password, username)
    user = User(
        username=username,
        name=_clean_name(name),
        role=role,
        unit=user_unit(unit, create=new_unit),
        password_hash=hash_password(password) if password else None,
        password_changed_at=now() if password else None,
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


def set_password(user: User, password: str, *, keep_session: str | None = None) -> User:
    """Give the user a new password (the rule of accounts.passwords) and end every
    browser session of theirs but ``keep_session`` (the key of the one making the
    change, when the user changes their own)."""
    passwords.check(password, user.username)
    before = snapshot(user)
    user.password_hash = hash_password(password)
    user.password_changed_at = now()
    record("update", user, before)
    end_sessions(user, keep=keep_session)
    return user


def change_own_password(user: User, current: str, new: str, *, session_key: str | None):
    """A signed-in user changes their password: the current one must be right."""
    if not check_password(user, current or ""):
        raise Refused("当前密码不正确", "current")
    if current == new:
        raise Refused("新密码不能与当前密码相同", "password")
    return set_password(user, new, keep_session=session_key)


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


# --- browser sessions ---------------------------------------------------------------------


def start_session(user: User) -> str:
    """A new server-side session for the user; returns the key the cookie carries.
    Sessions past their end are pruned here."""
    at = now()
    db.session.execute(delete(UserSession).where(UserSession.expires_at <= at))
    key = secrets.token_urlsafe(32)
    hours = current_app.config["FUNDTRACK_SESSION_HOURS"]
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(key), created_at=at,
                               expires_at=at + dt.timedelta(hours=hours)))
    db.session.flush()
    return key


def user_for_session(user_id: str, key: str | None) -> User | None:
    """The active user whose session this is, if it is still open (one statement)."""
    if not key or not user_id.isdigit():
        return None
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id).where(
            User.id == int(user_id), User.active.is_(True),
            UserSession.key_hash == _digest(key), UserSession.expires_at > now())
    )


def end_session(key: str | None) -> None:
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _digest(key)))


def end_sessions(user: User, *, keep: str | None = None) -> None:
    """End every browser session of the user (but ``keep``)."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        stmt = stmt.where(UserSession.key_hash != _digest(keep))
    db.session.execute(stmt)


# --- API tokens ---------------------------------------------------------------------------

#: The longest a token may be valid, in days.
TOKEN_MAX_DAYS = 3650


def create_token(user: User, name: str | None = None, days: int | None = None) -> str:
    """A new API token for the user, named and valid ``days`` days (default:
    FUNDTRACK_TOKEN_DAYS); only its hash is kept, so it is shown once. Tokens issued
    before stay usable until they expire or are revoked."""
    name = " ".join((name or "").split()) or "接口令牌"
    if len(name) > 100:
        raise Refused("令牌名称不能超过 100 个字符", "name")
    days = current_app.config["FUNDTRACK_TOKEN_DAYS"] if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise Refused(f"令牌有效期应为 1 至 {TOKEN_MAX_DAYS} 天", "days")
    token = secrets.token_urlsafe(32)
    at = now()
    api_token = ApiToken(user=user, name=name, token_hash=_digest(token), created_at=at,
                         expires_at=at + dt.timedelta(days=days))
    db.session.add(api_token)
    record("insert", api_token)
    return token


def user_for_token(token: str) -> User | None:
    """The active user of a token that is neither expired nor revoked, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or not row.usable(now()) or not row.user.active:
        return None
    return row.user


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """The tokens of one user (or everyone's), newest first, with their users."""
    stmt = select(ApiToken).options(joinedload(ApiToken.user)).order_by(
        ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt))


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"令牌(编号 {token_id})不存在", "token")
    return token


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token: it signs in nobody from now on. Revoking twice is refused."""
    if token.revoked_at is not None:
        raise Refused(f"令牌「{token.name}」已吊销", "token", conflict=True)
    before = snapshot(token)
    token.revoked_at = now()
    record("update", token, before)
    return token


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


def names_of(usernames) -> dict[str, str]:
    """User name → real name, for the users among ``usernames`` that have one (one
    statement): how lists of who-did-what name people."""
    usernames = {u for u in usernames if u}
    if not usernames:
        return {}
    return dict(db.session.execute(
        select(User.username, User.name).where(User.username.in_(usernames),
                                               User.name.is_not(None))).all())


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
                active: bool | None = None, name=KEEP, new_unit: bool = False) -> User:
    """Change a user's role, unit (a name; None or "" for none; a name no unit has only
    with ``new_unit``), real name or whether they may sign in. Refuses a manager without
    a unit and leaving no active admin. Switching a user off ends their sessions."""
    new_role = role if role is not None else user.role
    if unit is KEEP:
        new_unit_name = user.unit.name if user.unit else None
    else:
        new_unit_name = (unit or "").strip() or None
    new_active = user.active if active is None else active
    new_name = user.name if name is KEEP else _clean_name(name)
    check_role_unit(new_role, new_unit_name)
    was_admin = user.role == Role.ADMIN and user.active
    if was_admin and not (new_role == Role.ADMIN and new_active) \
            and _other_active_admins(user) == 0:
        raise Refused("至少须保留一个启用的系统管理员", "active" if not new_active else "role")
    old_unit = user.unit.name if user.unit else None
    if (new_role, new_unit_name, new_active, new_name) == (
            user.role, old_unit, user.active, user.name):
        return user
    unit_obj = user_unit(new_unit_name, create=new_unit) if new_unit_name != old_unit else KEEP
    before = snapshot(user)
    user.role = new_role
    if unit_obj is not KEEP:
        user.unit = unit_obj
    user.active = new_active
    user.name = new_name
    record("update", user, before)
    if not new_active:
        end_sessions(user)
    return user


def issue_token(user: User, name: str | None = None, days: int | None = None) -> str:
    """A new API token for an active user (shown once)."""
    if not user.active:
        raise Refused(f"用户「{user.username}」已停用,不能签发令牌", "user")
    return create_token(user, name, days)


# --- the demo's first admin ---------------------------------------------------------------


def ensure_admin(username: str = "admin") -> tuple[str, str] | None:
    """When no active admin exists, create one with a generated password and return
    (user name, password), to be shown once; else None."""
    exists = db.session.scalar(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True)).limit(1))
    if exists is not None:
        return None
    taken = set(db.session.scalars(select(User.username).where(
        User.username.startswith(username))))
    name, n = username, 1
    while name in taken:
        n += 1
        name = f"{username}{n}"
    password = secrets.token_urlsafe(12)
    while passwords.problem(password, name) is not None:  # pragma: no cover (vanishingly rare)
        password = secrets.token_urlsafe(12)
    create_user(name, Role.ADMIN, password=password, name="系统管理员")
    return name, password
