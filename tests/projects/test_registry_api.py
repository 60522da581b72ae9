"""POST /api/v1/projects: a project without a workbook, read with the importer's rules."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus
from fundtrack.history.models import Change
from fundtrack.projects.models import Project, Unit
from fundtrack.projects.service import get_or_create_unit
from tests.conftest import bearer


@pytest.fixture
def units(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        get_or_create_unit("县交通运输局")
        get_or_create_unit("县水利局")
    return tokens


def body(**over):
    b = {"project_code": "XM0101", "name": "东村道路硬化", "year": 2025,
         "township": "城关镇", "unit": "县水利局", "total_investment": "120000.50",
         "village": "东村", "priority": "是", "phone": "0396123"}
    b.update(over)
    return b


def test_finance_creates_a_project_as_json_in_the_history(client, units, app):
    r = client.post("/api/v1/projects", json=body(), headers=bearer(units["finance"]))
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["project_code"] == "XM0101" and got["total_investment"] == "120000.50"
    assert got["status"] == "实施" and got["priority"] == "是" and got["unit"] == "县水利局"
    with app.app_context():
        from fundtrack.extensions import db
        change = db.session.query(Change).filter_by(entity="project").one()
        assert change.action == "insert" and change.entity_key == "XM0101"


def test_status_is_taken_from_admin_and_finance(client, units):
    r = client.post("/api/v1/projects", json=body(status="计划"),
                    headers=bearer(units["admin"]))
    assert r.status_code == 201 and r.get_json()["status"] == "计划"


def test_a_manager_proposes_for_their_own_unit_only(client, units):
    mine = body(unit="县交通运输局", status="实施")
    r = client.post("/api/v1/projects", json=mine, headers=bearer(units["manager"]))
    assert r.status_code == 201 and r.get_json()["status"] == "储备"
    r = client.post("/api/v1/projects", json=body(project_code="XM0102"),
                    headers=bearer(units["manager"]))
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_may_not_create(client, units, role):
    assert client.post("/api/v1/projects", json={},
                       headers=bearer(units[role])).status_code == 403


@pytest.mark.parametrize(("over", "field", "words"), [
    ({"year": "二〇二五"}, "year", "不是有效年度"),
    ({"total_investment": "12.345"}, "total_investment", "总投资"),
    ({"name": ""}, "name", "必填,不能为空"),
    ({"name": "长" * 201}, "name", "超过上限 200 个字符"),
    ({"priority": "也许"}, "priority", "应为“是”或“否”"),
    ({"status": "进行中"}, "status", "储备、计划、实施、完工、终止"),
    ({"unit": "县水力局"}, "unit", "请从责任单位列表中选择"),
    ({"colour": "红"}, "colour", "未知字段"),
])
def test_bad_input_names_the_field_and_writes_nothing(client, units, app, over, field, words):
    r = client.post("/api/v1/projects", json=body(**over), headers=bearer(units["finance"]))
    assert r.status_code == 422
    err = r.get_json()["errors"][0]
    assert err["field"] == field and words in err["message"], err
    with app.app_context():
        from fundtrack.extensions import db
        assert db.session.query(Project).count() == 0
        assert db.session.query(Unit).count() == 2  # no unit created by a typo


def test_a_duplicate_code_is_a_conflict(client, units):
    assert client.post("/api/v1/projects", json=body(),
                       headers=bearer(units["finance"])).status_code == 201
    r = client.post("/api/v1/projects", json=body(), headers=bearer(units["finance"]))
    assert r.status_code == 409 and r.get_json()["errors"][0]["field"] == "project_code"


def test_the_status_is_stored(client, units, app):
    client.post("/api/v1/projects", json=body(status="储备"), headers=bearer(units["admin"]))
    with app.app_context():
        from fundtrack.extensions import db
        assert db.session.query(Project).one().status == ProjectStatus.PROPOSED
