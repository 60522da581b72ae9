"""登记/申报/修改项目 in the browser: the importer's rules, the history, who may."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.projects.models import Project, Unit
from fundtrack.projects.service import get_or_create_unit
from tests.conftest import csrf_token, login
from tests.factories import project


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        get_or_create_unit("县交通运输局")
        get_or_create_unit("县水利局")
        project("XM001", unit="县水利局")
    return users


def fields(client, path, **over):
    data = {"csrf_token": csrf_token(client, path), "project_code": "XM0201",
            "name": "西村灌溉渠", "year": "2025年", "township": "城关镇", "village": "西村",
            "unit": "县水利局", "total_investment": "80000", "priority": "否",
            "status": "计划"}
    data.update(over)
    return data


def test_finance_registers_a_project_with_every_field(client, county, app):
    login(client, county["finance"])
    r = client.post("/projects/new", data=fields(client, "/projects/new", scope="修渠 2 公里",
                                                   phone="0396-1"))
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "西村灌溉渠" in page and "计划" in page
    with app.app_context():
        p = db.session.query(Project).filter_by(code="XM0201").one()
        assert p.year == 2025 and p.scope == "修渠 2 公里" and p.status == ProjectStatus.PLANNED


def test_a_manager_proposes_a_reserve_project_of_their_own_unit(client, county, app):
    login(client, county["manager"])
    page = client.get("/projects/new").get_data(as_text=True)
    assert "申报项目" in page and "县水利局" not in page  # only their own unit offered
    r = client.post("/projects/new", data=fields(client, "/projects/new",
                                                   unit="县交通运输局"))
    assert r.status_code == 302
    r = client.post("/projects/new", data=fields(client, "/projects/new",
                                                   project_code="XM0202"))
    assert r.status_code == 422 and "只能为本单位申报项目" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Project).filter_by(code="XM0201").one().status \
            == ProjectStatus.PROPOSED
        assert db.session.query(Project).filter_by(code="XM0202").first() is None


@pytest.mark.parametrize(("over", "words"), [
    ({"year": "明年"}, "「明年」不是有效年度"),
    ({"total_investment": "10.001"}, "两位小数"),
    ({"name": ""}, "必填,不能为空"),
    ({"township": "乡" * 51}, "超过上限 50 个字符"),
    ({"unit": "县水力局"}, "请从责任单位列表中选择"),
    ({"project_code": "XM001"}, "项目编号「XM001」已存在"),
])
def test_bad_input_is_shown_and_nothing_is_written(client, county, app, over, words):
    login(client, county["admin"])
    r = client.post("/projects/new", data=fields(client, "/projects/new", **over))
    assert r.status_code in (409, 422)
    assert words in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Project).count() == 1
        assert db.session.query(Unit).count() == 2


def test_an_edit_is_recorded_in_the_history(client, county, app):
    login(client, county["finance"])
    form = client.get("/projects/XM001/edit").get_data(as_text=True)
    assert 'value="XM001"' in form
    data = fields(client, "/projects/XM001/edit", project_code="XM001",
                  total_investment="650000.00", name="东村道路(改)")
    r = client.post("/projects/XM001/edit", data=data)
    assert r.status_code == 302
    with app.app_context():
        p = db.session.query(Project).filter_by(code="XM001").one()
        assert str(p.total_investment) == "650000.00" and p.name == "东村道路(改)"
        change = db.session.query(Change).filter_by(entity="project", action="update").one()
        assert change.before["total_investment"] == "500000.00"
        assert change.after["total_investment"] == "650000.00"


def test_a_manager_may_not_edit_another_units_project(client, county):
    login(client, county["manager"])
    assert client.get("/projects/XM001/edit").status_code == 403
