"""The ``fundtrack`` commands, as an administrator types them (CONTRACT.md, "Commands").

Exit codes: 0 success; 1 the input was refused (errors printed, nothing written);
2 wrong usage.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select, text

from fundtrack.accounts.models import ApiToken, User, aware
from fundtrack.accounts.service import check_password, get_user, user_for_token
from fundtrack.enums import Role
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.projects.models import Unit


def _create_user(runner, *args, password="s3cret pass"):
    return runner.invoke(
        args=["create-user", *args, "--password-stdin"], input=f"{password}\n"
    )


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- create-user -------------------------------------------------------------------


def test_create_user_stores_only_a_password_hash(app, runner):
    result = _create_user(runner, "alice", "--role", "finance")
    assert result.exit_code == 0, result.output
    assert "alice" in result.stdout
    with app.app_context():
        alice = get_user("alice")
        assert alice.role == Role.FINANCE and alice.unit is None
        assert alice.password_hash and "s3cret" not in alice.password_hash
        assert check_password(alice, "s3cret pass")
        assert not check_password(alice, "s3cret pass ")
        assert not check_password(alice, "wrong")
        # the history names the command and never holds the hash
        change = db.session.scalar(select(Change).where(Change.entity == "app_user"))
        assert change.actor == "命令行:create-user"
        assert "password_hash" not in change.after


def test_create_manager_creates_the_unit_when_asked(app, runner):
    result = _create_user(runner, "wang", "--role", "manager", "--unit", "县水利局",
                          "--new-unit")
    assert result.exit_code == 0, result.output
    with app.app_context():
        wang = get_user("wang")
        assert wang.role == Role.MANAGER and wang.unit.name == "县水利局"
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 1
    # a second manager of the same unit reuses it
    assert _create_user(runner, "li", "--role", "manager", "--unit", "县水利局").exit_code == 0
    assert _count(app, Unit) == 1


def test_unknown_role_is_wrong_usage(app, runner):
    result = _create_user(runner, "bob", "--role", "boss")
    assert result.exit_code == 2
    assert "boss" in result.output
    assert _count(app, User) == 0


def test_duplicate_user_is_refused(app, runner):
    assert _create_user(runner, "alice", "--role", "finance").exit_code == 0
    result = _create_user(runner, "alice", "--role", "auditor", password="other pass 9")
    assert result.exit_code == 1
    assert "用户「alice」已存在" in result.stderr
    with app.app_context():
        alice = get_user("alice")
        assert alice.role == Role.FINANCE and check_password(alice, "s3cret pass")
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_manager_without_unit_is_refused(app, runner):
    result = _create_user(runner, "wang", "--role", "manager")
    assert result.exit_code == 1
    assert "责任单位" in result.stderr
    assert _count(app, User) == 0
    assert _count(app, Change) == 0


def test_empty_password_is_refused(app, runner):
    result = _create_user(runner, "alice", "--role", "finance", password="")
    assert result.exit_code == 1
    assert "密码不能为空" in result.stderr
    assert _count(app, User) == 0


@pytest.mark.parametrize("password, message", [
    ("x", "密码至少 8 个字符"),
    ("aaaaaaaaaa", "密码不能是同一个字符的重复"),
    ("12345678", "密码过于常见"),
    ("Password", "密码过于常见"),
    ("alice123", None),
    ("ALICE", "密码至少 8 个字符"),
])
def test_create_user_applies_the_password_rule_of_the_web_form(app, runner, password,
                                                               message):
    result = _create_user(runner, "alice", "--role", "finance", password=password)
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert message in result.stderr and "密码要求:至少 8 个字符" in result.stderr
    assert _count(app, User) == 0


def test_the_password_may_not_be_the_user_name(app, runner):
    result = _create_user(runner, "zhangsan1", "--role", "viewer", password="ZhangSan1")
    assert result.exit_code == 1 and "密码不能与用户名相同" in result.stderr


def test_an_unknown_unit_is_refused_with_the_close_matches(app, runner):
    assert _create_user(runner, "wang", "--role", "manager", "--unit", "县水利局",
                        "--new-unit").exit_code == 0
    result = _create_user(runner, "li", "--role", "manager", "--unit", "县水力局")
    assert result.exit_code == 1
    assert "责任单位「县水力局」不存在" in result.stderr
    assert "您是否要找:县水利局" in result.stderr and "请加上 --new-unit" in result.stderr
    result = _create_user(runner, "li", "--role", "manager", "--unit", "城关镇人民政府")
    assert result.exit_code == 1 and "已有的责任单位:县水利局" in result.stderr
    assert _count(app, Unit) == 1
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "li")) is None


def test_the_help_says_how_a_new_unit_is_made(runner):
    result = runner.invoke(args=["create-user", "--help"])
    assert "--new-unit" in result.output


def test_create_user_keeps_a_real_name(app, runner):
    result = _create_user(runner, "zhang", "--role", "finance", "--name", "张 三")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_user("zhang").name == "张 三"
        change = db.session.scalar(select(Change).where(Change.entity == "app_user"))
        assert change.after["name"] == "张 三"


# --- set-password --------------------------------------------------------------------


def _set_password(runner, username, password):
    return runner.invoke(args=["set-password", username, "--password-stdin"],
                         input=f"{password}\n")


def test_set_password_replaces_the_password(app, runner):
    assert _create_user(runner, "alice", "--role", "finance").exit_code == 0
    result = _set_password(runner, "alice", "new secret 42")
    assert result.exit_code == 0, result.output
    assert "已设置用户 alice 的密码" in result.stdout
    with app.app_context():
        alice = get_user("alice")
        assert check_password(alice, "new secret 42")
        assert not check_password(alice, "s3cret pass")
        change = db.session.scalars(select(Change).where(
            Change.entity == "app_user").order_by(Change.id.desc())).first()
        assert change.actor == "命令行:set-password" and change.action == "update"
        assert change.after["password_changed_at"] != change.before["password_changed_at"]
        assert "password_hash" not in change.after


def test_set_password_applies_the_rule_and_names_unknown_users(app, runner):
    assert _create_user(runner, "alice", "--role", "finance").exit_code == 0
    result = _set_password(runner, "alice", "a")
    assert result.exit_code == 1 and "密码至少 8 个字符" in result.stderr
    with app.app_context():
        assert check_password(get_user("alice"), "s3cret pass")
    result = _set_password(runner, "nobody", "new secret 42")
    assert result.exit_code == 1 and "用户「nobody」不存在" in result.stderr


# --- create-token ------------------------------------------------------------------


def test_create_token_prints_it_once_and_stores_its_hash(app, runner):
    assert _create_user(runner, "alice", "--role", "finance").exit_code == 0
    result = runner.invoke(args=["create-token", "alice"])
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    assert token and token == token.strip() and " " not in token and len(token) >= 32
    with app.app_context():
        (stored,) = db.session.scalars(select(ApiToken)).all()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert user_for_token(token).username == "alice"
        assert user_for_token(token + "x") is None
        # the token itself is written nowhere: not in its row, not in the history
        for table in ("api_token", "change"):
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
                assert token not in " ".join(str(v) for v in row)
    second = runner.invoke(args=["create-token", "alice"]).stdout.splitlines()[-1]
    assert second != token
    assert _count(app, ApiToken) == 2
    with app.app_context():  # the first stays usable beside the second
        assert user_for_token(token).username == "alice"
        assert user_for_token(second).username == "alice"


def test_create_token_takes_a_name_and_a_lifetime(app, runner):
    assert _create_user(runner, "alice", "--role", "finance").exit_code == 0
    result = runner.invoke(args=["create-token", "alice", "--name", "月报脚本", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "7 天内有效" in result.stdout
    token = result.stdout.splitlines()[-1]
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.name == "月报脚本"
        lifetime = aware(stored.expires_at) - aware(stored.created_at)
        assert lifetime == dt.timedelta(days=7)
        assert user_for_token(token) is not None
    default = runner.invoke(args=["create-token", "alice"])
    assert "90 天内有效" in default.stdout
    result = runner.invoke(args=["create-token", "alice", "--days", "0"])
    assert result.exit_code == 2


def test_create_token_for_unknown_user_is_refused(app, runner):
    result = runner.invoke(args=["create-token", "nobody"])
    assert result.exit_code == 1
    assert "用户「nobody」不存在" in result.stderr
    assert result.stdout == ""
    assert _count(app, ApiToken) == 0


# --- init-db, export -----------------------------------------------------------------


def test_init_db_is_idempotent(app, runner):
    with app.app_context():
        before = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "最新" in result.stdout
    with app.app_context():
        after = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    assert after == before and len(after) == 1


def test_export_with_a_bad_date_is_wrong_usage(app, runner, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = runner.invoke(args=["export", str(out), "--as-of", "2024-13-45"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
    assert not out.exists()
