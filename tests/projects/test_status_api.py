"""POST /api/v1/projects/<code>/status: the steps of the project page, with its rules
(审定 needs a performance target, 终止 a reason, the steps in their order) and its
people (审定/终止 the county's, 实施/完工 also the unit's manager)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus as S
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.performance.service import add_target
from fundtrack.projects.service import get_project
from tests.conftest import bearer
from tests.factories import project


@pytest.fixture
def county(app, users, tokens):
    with app.app_context(), unit_of_work("测试"):
        p = project("XM001", unit="县交通运输局")
        p.status = S.PROPOSED
        project("XM002", unit="县水利局").status = S.PROPOSED
    return tokens


def post(client, token, code, body):
    return client.post(f"/api/v1/projects/{code}/status", headers=bearer(token), json=body)


def test_a_project_from_proposal_to_completion_through_the_api(client, county, app):
    r = post(client, county["finance"], "XM001", {"status": "计划"})
    assert r.status_code == 409
    assert r.get_json()["errors"][0]["field"] == "targets"
    assert "尚未填写绩效目标" in r.get_json()["errors"][0]["message"]
    with app.app_context(), unit_of_work("测试"):
        add_target(get_project("XM001"), category="产出", name="道路长度", target="3")
    r = post(client, county["finance"], "XM001", {"status": "计划"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "计划" and body["approved_by"] == "caizheng"
    assert body["approved_at"] and body["project_code"] == "XM001"
    r = post(client, county["manager"], "XM001", {"status": "实施"})
    assert r.status_code == 200 and r.get_json()["status"] == "实施"
    r = post(client, county["manager"], "XM001", {"status": "完工"})
    assert r.status_code == 200 and r.get_json()["status"] == "完工"
    with app.app_context():
        changes = db.session.scalars(select(Change).where(
            Change.entity == "project", Change.action == "update").order_by(Change.id)).all()
        assert [c.after["status"] for c in changes] == ["计划", "实施", "完工"]
        assert [c.actor for c in changes] == ["caizheng", "jiaotong", "jiaotong"]


def test_stopping_needs_a_reason_and_the_steps_keep_their_order(client, county):
    r = post(client, county["admin"], "XM002", {"status": "终止"})
    assert r.status_code == 422
    assert r.get_json()["errors"] == [{"field": "reason", "message": "终止项目须填写终止原因"}]
    r = post(client, county["admin"], "XM002", {"status": "实施"})
    assert r.status_code == 409
    assert "状态为储备,不能改为实施" in r.get_json()["errors"][0]["message"]
    r = post(client, county["admin"], "XM002", {"status": "终止", "reason": "群众意愿变化"})
    assert r.status_code == 200
    assert r.get_json()["status"] == "终止" and r.get_json()["stop_reason"] == "群众意愿变化"


def test_who_may_not_and_what_is_not_there(client, county):
    # the unit's manager may not approve; another unit's manager nothing, whatever the body
    r = post(client, county["manager"], "XM001", {"status": "计划"})
    assert r.status_code == 403 and r.get_json()["errors"][0]["field"] == "status"
    assert post(client, county["manager"], "XM002", "nonsense").status_code == 403
    assert post(client, county["viewer"], "XM001", {"status": "计划"}).status_code == 403
    assert post(client, county["admin"], "NOPE", {"status": "计划"}).status_code == 404
    r = post(client, county["admin"], "XM001", {"status": "进行中"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "status"
    r = post(client, county["admin"], "XM001", {"to": "计划"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "to"
    assert client.post("/api/v1/projects/XM001/status", json={"status": "计划"}).status_code \
        == 401
