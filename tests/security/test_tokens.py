"""API tokens have a name and an expiry and can be revoked, by their user (我的账户) and
by an admin (接口令牌), each revocation in the change history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from fundtrack.accounts.models import ApiToken, aware
from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.conftest import bearer, csrf_token, login

LEDGER = "/api/v1/ledger/funds"


def _token_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ApiToken.id).where(ApiToken.name == name))


def _issue(app, username: str, name: str, days: int | None = None) -> str:
    from fundtrack.accounts.service import create_token, get_user

    with app.app_context(), unit_of_work("测试"):
        return create_token(get_user(username), name, days)


def test_an_expired_token_signs_in_nobody(app, client, users):
    token = _issue(app, users["auditor"], "月报脚本", days=1)
    assert client.get(LEDGER, headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(update(ApiToken).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        db.session.commit()
    r = client.get(LEDGER, headers=bearer(token))
    assert r.status_code == 401 and r.get_json()["errors"][0]["message"] == "未登录或令牌无效"


def test_a_user_lists_and_revokes_their_own_tokens(app, client, users):
    mine = _issue(app, users["auditor"], "月报脚本")
    other = _issue(app, users["auditor"], "备用脚本")
    theirs = _issue(app, users["finance"], "财务脚本")
    login(client, users["auditor"])
    page = client.get("/account").get_data(as_text=True)
    assert "月报脚本" in page and "备用脚本" in page and "财务脚本" not in page
    assert "有效" in page and mine not in page
    token_id = _token_id(app, "月报脚本")
    r = client.post(f"/account/tokens/{token_id}/revoke",
                    data={"csrf_token": csrf_token(client, "/account")})
    assert r.status_code == 302
    assert "已吊销令牌「月报脚本」" in client.get("/account").get_data(as_text=True)
    assert app.test_client().get(LEDGER, headers=bearer(mine)).status_code == 401
    assert app.test_client().get(LEDGER, headers=bearer(other)).status_code == 200
    # someone else's token is not theirs to revoke
    r = client.post(f"/account/tokens/{_token_id(app, '财务脚本')}/revoke",
                    data={"csrf_token": csrf_token(client, "/account")})
    assert r.status_code == 404
    assert app.test_client().get(LEDGER, headers=bearer(theirs)).status_code == 200
    with app.app_context():
        change = db.session.scalars(select(Change).where(
            Change.entity == "api_token", Change.action == "update")).one()
    assert change.actor == users["auditor"] and change.before["revoked_at"] is None
    assert change.after["revoked_at"] and change.entity_key == "shenji/月报脚本"


def test_an_admin_lists_every_token_and_revokes_one(app, client, users):
    token = _issue(app, users["finance"], "财务脚本")
    login(client, users["admin"])
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "财务脚本" in page and "caizheng" in page and token not in page
    token_id = _token_id(app, "财务脚本")
    r = client.post(f"/admin/tokens/{token_id}/revoke",
                    data={"csrf_token": csrf_token(client, "/admin/tokens")})
    assert r.status_code == 302
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "已吊销用户「caizheng」的令牌「财务脚本」" in page and "已吊销" in page
    assert app.test_client().get(LEDGER, headers=bearer(token)).status_code == 401
    history = client.get("/history/?entity=api_token").get_data(as_text=True)
    assert "吊销时间" in history and "caizheng/财务脚本" in history


def test_the_admin_issues_a_named_token_for_some_days(app, client, users):
    login(client, users["admin"])
    from tests.admin.test_users import _id

    uid = _id(app, users["auditor"])
    r = client.post(f"/admin/users/{uid}/token", data={
        "name": "审计导出", "days": "30", "csrf_token": csrf_token(client, "/admin/users")})
    assert r.status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "审计导出"))
        assert aware(stored.expires_at) - aware(stored.created_at) == dt.timedelta(days=30)
    r = client.post(f"/admin/users/{uid}/token", data={
        "days": "0", "csrf_token": csrf_token(client, "/admin/users")})
    assert r.status_code == 422 and "有效天数应为 1 至 3650 天" in r.get_data(as_text=True)
