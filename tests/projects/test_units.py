"""责任单位 kept on purpose: added, renamed without losing projects, users or history."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import UnitKind
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.projects.models import Project, Unit
from tests.conftest import csrf_token, login
from tests.factories import project


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        project("XM001", unit="县交通运输局")
    return users


def unit_id(name):
    return db.session.query(Unit.id).filter_by(name=name).scalar()


def test_admin_adds_a_unit_with_kind_and_contact(client, county, app):
    login(client, county["admin"])
    r = client.post("/units/", data={"csrf_token": csrf_token(client, "/units/"),
                                     "name": " 城关镇人民政府 ", "kind": "乡镇",
                                     "contact": "李四 0396-1"})
    assert r.status_code == 302
    page = client.get("/units/?kind=乡镇").get_data(as_text=True)
    assert "城关镇人民政府" in page and "李四 0396-1" in page
    assert "县交通运输局" not in page.split("<tbody>")[1].split("</tbody>")[0]
    with app.app_context():
        u = db.session.query(Unit).filter_by(name="城关镇人民政府").one()
        assert u.kind == UnitKind.TOWNSHIP


def test_a_duplicate_or_empty_name_is_refused(client, county, app):
    login(client, county["admin"])
    r = client.post("/units/", data={"csrf_token": csrf_token(client, "/units/"),
                                     "name": "县交通运输局", "kind": ""})
    assert r.status_code == 409 and "责任单位「县交通运输局」已存在" in r.get_data(as_text=True)
    r = client.post("/units/", data={"csrf_token": csrf_token(client, "/units/"),
                                     "name": "  "})
    assert r.status_code == 422 and "责任单位名称不能为空" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Unit).count() == 1


def test_a_renamed_unit_keeps_its_projects_users_and_history(client, county, app):
    with app.app_context():
        uid = unit_id("县交通运输局")
    login(client, county["admin"])
    path = f"/units/{uid}"
    r = client.post(path, data={"csrf_token": csrf_token(client, path),
                                "name": "县交通运输局(县公路事业发展中心)", "kind": "县直部门"})
    assert r.status_code == 302
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "县交通运输局(县公路事业发展中心)" in page
    with app.app_context():
        p = db.session.query(Project).filter_by(code="XM001").one()
        assert p.unit_id == uid
        change = db.session.query(Change).filter_by(entity="unit", action="update").one()
        assert change.before["name"] == "县交通运输局"
        assert change.after["name"] == "县交通运输局(县公路事业发展中心)"
    # the manager of the unit still keeps its projects
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, county["manager"])
    assert client.get("/projects/XM001/edit").status_code == 200


@pytest.mark.parametrize("role", ["finance", "manager", "auditor", "viewer"])
def test_only_the_admin_keeps_units(client, county, role):
    login(client, county[role])
    assert client.get("/units/").status_code == 403
