"""用户管理: the admin creates users, changes roles and units, deactivates and reactivates
them, issues API tokens; nobody else may."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fundtrack.accounts.models import User
from fundtrack.enums import Role
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.conftest import PASSWORD, bearer, csrf_token, login


@pytest.fixture
def admin(app, client, users):
    login(client, users["admin"])
    return client


def _user(app, username) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            _ = user.unit  # load it while the session is open
        return user


def _id(app, username) -> int:
    return _user(app, username).id


def _create(client, **values):
    data = {"username": "wang", "role": "viewer", "unit": "", "password": "secret pw 1",
            "confirm": "secret pw 1", **values}
    data["csrf_token"] = csrf_token(client, "/admin/users")
    return client.post("/admin/users/new", data=data)


def test_the_list_shows_users_roles_units_and_state(app, admin, users):
    html = admin.get("/admin/users").get_data(as_text=True)
    for name in users.values():
        assert f"<td>{name}</td>" in html
    assert "项目责任单位" in html and 'value="县交通运输局"' in html
    assert "启用" in html


def test_admin_creates_a_manager_with_a_new_unit(app, admin, client):
    r = _create(admin, username="zhang", role="manager", unit="县农业农村局", new_unit="y")
    assert r.status_code == 302
    assert "已创建用户「zhang」" in admin.get("/admin/users").get_data(as_text=True)
    user = _user(app, "zhang")
    assert user.role == Role.MANAGER and user.unit.name == "县农业农村局" and user.active
    with app.app_context():
        entities = set(db.session.scalars(select(Change.entity).where(Change.actor == "admin")))
    assert entities == {"app_user", "unit"}
    # the new user signs in with the password given
    other = app.test_client()
    assert login(other, "zhang", "secret pw 1").status_code == 302


@pytest.mark.parametrize("values, message", [
    ({"role": "manager", "unit": ""}, "项目责任单位用户须指定责任单位"),
    ({"confirm": "other pw 2"}, "两次输入的密码不一致"),
    ({"password": "short", "confirm": "short"}, "密码至少 8 个字符"),
    ({"password": "12345678", "confirm": "12345678"}, "密码过于常见"),
    ({"password": "wang", "confirm": "wang"}, "密码至少 8 个字符"),
    ({"username": "wangwang", "password": "WangWang", "confirm": "WangWang"},
     "密码不能与用户名相同"),
    ({"role": "manager", "unit": "县交通运输"}, "您是否要找:县交通运输局"),
    ({"username": "caizheng"}, "用户「caizheng」已存在"),
    ({"username": "  "}, "请输入用户名"),
])
def test_creating_a_user_refuses_with_a_reason_on_the_form(app, admin, values, message):
    r = _create(admin, **values)
    assert r.status_code in (409, 422)
    html = r.get_data(as_text=True)
    assert message in html
    assert 'id="new-user"' in html
    if values.get("username") != "caizheng":
        assert _user(app, values.get("username", "wang")) is None


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, "/admin/users")
    return client.post(path, data=data)


def test_admin_changes_a_role_and_a_unit(app, admin, users):
    uid = _id(app, users["viewer"])
    r = _post(admin, f"/admin/users/{uid}", role="auditor", unit="")
    assert r.status_code == 302
    assert _user(app, users["viewer"]).role == Role.AUDITOR
    r = _post(admin, f"/admin/users/{uid}", role="manager", unit="县水利局", new_unit="y")
    assert r.status_code == 302
    user = _user(app, users["viewer"])
    assert user.role == Role.MANAGER and user.unit.name == "县水利局"
    with app.app_context():
        change = db.session.scalars(select(Change).where(
            Change.entity == "app_user", Change.action == "update").order_by(Change.id.desc())
        ).first()
    assert change.before["role"] == "审计" and change.after["role"] == "项目责任单位"
    # the history page shows it
    html = admin.get("/history/?entity=app_user&actor=admin").get_data(as_text=True)
    assert "<del>审计</del> → <ins>项目责任单位</ins>" in html


def test_a_manager_needs_a_unit_on_update_too(app, admin, users):
    uid = _id(app, users["manager"])
    r = _post(admin, f"/admin/users/{uid}", role="manager", unit="")
    assert r.status_code == 422
    assert "项目责任单位用户须指定责任单位" in r.get_data(as_text=True)
    assert _user(app, users["manager"]).unit.name == "县交通运输局"


def test_deactivated_users_cannot_sign_in_until_reactivated(app, admin, users, tokens):
    name = users["finance"]
    other = app.test_client()
    login(other, name)
    assert other.get("/import/").status_code == 200
    uid = _id(app, name)
    html = admin.get("/admin/users").get_data(as_text=True)
    assert 'data-confirm="停用用户「caizheng」' in html
    assert _post(admin, f"/admin/users/{uid}/active", active="0").status_code == 302
    assert not _user(app, name).active
    # the open session ends, a new sign-in fails, the token no longer works
    assert other.get("/import/").status_code == 302
    assert login(app.test_client(), name).status_code == 200  # the form again, with an error
    assert app.test_client().get("/api/v1/ledger/funds",
                                 headers=bearer(tokens["finance"])).status_code == 401
    assert "已停用" in admin.get("/admin/users").get_data(as_text=True)
    assert _post(admin, f"/admin/users/{uid}/active", active="1").status_code == 302
    assert login(app.test_client(), name, PASSWORD).status_code == 302


def test_the_last_admin_stays(app, admin, users):
    uid = _id(app, users["admin"])
    r = _post(admin, f"/admin/users/{uid}/active", active="0")
    assert r.status_code == 422
    assert "至少须保留一个启用的系统管理员" in r.get_data(as_text=True)
    r = _post(admin, f"/admin/users/{uid}", role="viewer", unit="")
    assert r.status_code == 422
    assert _user(app, users["admin"]).active and _user(app, users["admin"]).role == Role.ADMIN


def test_admin_issues_a_token_shown_once(app, admin, users):
    uid = _id(app, users["auditor"])
    r = _post(admin, f"/admin/users/{uid}/token")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    token = re.search(r'<p class="token">([^<]+)</p>', html).group(1)
    assert "只显示这一次" in html
    reply = app.test_client().get("/api/v1/ledger/funds", headers=bearer(token))
    assert reply.status_code == 200
    assert token not in admin.get("/admin/users").get_data(as_text=True)


def test_unknown_user_is_404(app, admin):
    assert _post(admin, "/admin/users/99999", role="viewer").status_code == 404
    assert _post(admin, "/admin/users/99999/active", active="0").status_code == 404


@pytest.mark.parametrize("role", ["finance", "manager", "auditor", "viewer"])
def test_only_the_admin_manages_users(app, client, users, role):
    login(client, users[role])
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/tokens").status_code == 403
    token = csrf_token(client, "/")
    uid = _id(app, users["viewer"])
    for path, data in (
        ("/admin/users/new", {"username": "x", "role": "admin", "password": "p" * 10,
                              "confirm": "p" * 10}),
        (f"/admin/users/{uid}", {"role": "admin"}),
        (f"/admin/users/{uid}/active", {"active": "0"}),
        (f"/admin/users/{uid}/token", {}),
        (f"/admin/users/{uid}/password", {"password": "p" * 5 + "q" * 5,
                                           "confirm": "p" * 5 + "q" * 5}),
        ("/admin/tokens/1/revoke", {}),
    ):
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    assert _user(app, "x") is None and _user(app, users["viewer"]).role == Role.VIEWER
