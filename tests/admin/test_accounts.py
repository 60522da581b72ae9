"""我的账户 and the admin's password reset: every signed-in user changes their own
password (current one, new one twice, the one password rule); an admin resets another's;
either way the other sessions end. Real names (姓名) show in the users list, the header
and the change history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.admin.test_users import _id
from tests.conftest import PASSWORD, csrf_token, login


def _change_password(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current": current, "password": new, "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/account")})


@pytest.mark.parametrize("role", ["viewer", "manager", "auditor", "finance", "admin"])
def test_every_user_changes_their_own_password(app, users, role):
    name = users[role]
    here, elsewhere = app.test_client(), app.test_client()
    login(here, name)
    login(elsewhere, name)
    assert "修改密码" in here.get("/account").get_data(as_text=True)
    r = _change_password(here, PASSWORD, "a new pass 77")
    assert r.status_code == 302
    assert "密码已修改" in here.get("/account").get_data(as_text=True)  # still signed in
    assert elsewhere.get("/account").status_code == 302  # the other session ended
    assert login(app.test_client(), name, PASSWORD).status_code == 200
    assert login(app.test_client(), name, "a new pass 77").status_code == 302


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong", "a new pass 77", None, "当前密码不正确"),
    (PASSWORD, "short", None, "密码至少 8 个字符"),
    (PASSWORD, "11111111", None, "密码不能是同一个字符的重复"),
    (PASSWORD, "abcdefgh", None, "密码过于常见"),
    (PASSWORD, "Caizheng", None, "密码不能与用户名相同"),
    (PASSWORD, "a new pass 77", "a new pass 78", "两次输入的密码不一致"),
    (PASSWORD, PASSWORD, None, "新密码不能与当前密码相同"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, client, users, current,
                                                                new, confirm, message):
    login(client, users["finance"])
    r = _change_password(client, current, new, confirm)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert login(app.test_client(), users["finance"], PASSWORD).status_code == 302


def test_an_admin_resets_a_password_and_ends_the_users_sessions(app, client, users):
    victim = app.test_client()
    login(victim, users["auditor"])
    login(client, users["admin"])
    uid = _id(app, users["auditor"])
    assert "重设密码" in client.get("/admin/users").get_data(as_text=True)
    path = f"/admin/users/{uid}/password"
    r = client.post(path, data={"password": "shenji", "confirm": "shenji",
                                "csrf_token": csrf_token(client, path)})
    assert r.status_code == 422 and "密码至少 8 个字符" in r.get_data(as_text=True)
    r = client.post(path, data={"password": "reset pass 2026", "confirm": "reset pass 2026",
                                "csrf_token": csrf_token(client, path)})
    assert r.status_code == 302
    assert "已重设用户「shenji」的密码" in client.get("/admin/users").get_data(as_text=True)
    assert victim.get("/history/").status_code == 302
    assert login(app.test_client(), users["auditor"], "reset pass 2026").status_code == 302
    with app.app_context():
        change = db.session.scalars(select(Change).where(
            Change.entity == "app_user").order_by(Change.id.desc())).first()
    assert change.actor == "admin" and change.entity_key == "shenji"
    assert "password_changed_at" in change.after and "password_hash" not in change.after


def test_a_real_name_shows_in_the_list_the_header_and_the_history(app, client, users):
    login(client, users["admin"])
    uid = _id(app, users["finance"])
    r = client.post(f"/admin/users/{uid}", data={
        "name": "王 会计", "role": "finance", "unit": "",
        "csrf_token": csrf_token(client, "/admin/users")})
    assert r.status_code == 302
    html = client.get("/admin/users").get_data(as_text=True)
    assert '<td class="user-name">王 会计</td>' in html
    finance = app.test_client()
    login(finance, users["finance"])
    header = finance.get("/").get_data(as_text=True).split("</header>")[0]
    assert "王 会计" in header and "caizheng" in header
    # what the finance user does is shown with their name; the history finds it by name
    finance.post("/account/password", data={
        "current": PASSWORD, "password": "ledger pass 9", "confirm": "ledger pass 9",
        "csrf_token": csrf_token(finance, "/account")})
    history = client.get("/history/?actor=王").get_data(as_text=True)
    assert "<td>王 会计(caizheng)</td>" in history
    assert "<td>admin</td>" not in history.split("<tbody>")[1]
    with app.app_context():
        change = db.session.scalars(select(Change).where(
            Change.entity == "app_user").order_by(Change.id)).all()[-2]
    assert change.after["name"] == "王 会计" and change.before["name"] is None


def test_the_admin_form_refuses_an_unknown_unit_unless_asked(app, client, users):
    login(client, users["admin"])
    uid = _id(app, users["viewer"])
    data = {"name": "", "role": "manager", "unit": "县交通局",
            "csrf_token": csrf_token(client, "/admin/users")}
    r = client.post(f"/admin/users/{uid}", data=data)
    assert r.status_code == 422
    assert "责任单位「县交通局」不存在" in r.get_data(as_text=True)
    assert "您是否要找:县交通运输局" in r.get_data(as_text=True)
    data["unit"] = "县交通运输局"
    assert client.post(f"/admin/users/{uid}", data=data).status_code == 302
