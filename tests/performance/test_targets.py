"""绩效目标: a project's indicators (产出/效益/满意度); a project enters the plan only with
at least one; actual values, and why a target was missed, once it is under way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fundtrack.accounts.service import get_user
from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus as S
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.performance import service
from fundtrack.performance.models import PerformanceTarget
from fundtrack.projects.service import change_status, get_project
from tests.conftest import bearer, csrf_token, login
from tests.factories import project


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        road = project("XM001", unit="县交通运输局", year=2025)
        road.status = S.PROPOSED
        project("XM002", unit="县水利局", year=2025)  # 实施
    return users


def _add(code="XM001", **kw):
    values = {"category": "产出", "name": "新建道路长度", "measure": "公里", "target": "3.2"}
    return service.add_target(get_project(code), **{**values, **kw})


def test_a_project_enters_the_plan_only_with_a_target(ctx, county):
    finance = get_user(county["finance"])
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        change_status(get_project("XM001"), S.PLANNED, user=finance)
    assert e.value.field == "targets" and e.value.conflict
    assert "尚未填写绩效目标" in e.value.message
    assert get_project("XM001").status == S.PROPOSED  # nothing half-written
    with unit_of_work("测试"):
        _add()
        change_status(get_project("XM001"), S.PLANNED, user=finance)
    assert get_project("XM001").status == S.PLANNED
    change = db.session.scalars(select(Change).where(
        Change.entity == "performance_target")).one()
    assert change.action == "insert" and change.entity_key == "XM001/新建道路长度"
    assert change.after["target"] == "3.2" and change.after["category"] == "产出"


@pytest.mark.parametrize(("kw", "field", "words"), [
    ({"name": "  "}, "name", "指标名称不能为空"),
    ({"target": ""}, "target", "目标值不能为空"),
    ({"category": "产值"}, "category", "应为:产出、效益、满意度"),
    ({"measure": "公" * 21}, "measure", "超过上限 20 个字符"),
])
def test_each_refusal_names_its_field(ctx, county, kw, field, words):
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        _add(**kw)
    assert e.value.field == field and words in e.value.message
    assert db.session.scalar(select(PerformanceTarget.id)) is None


def test_actual_values_once_under_way_and_a_missed_target_needs_its_reason(ctx, county):
    with unit_of_work("测试"):
        target_id = _add().id
    item = lambda: service.get_target(get_project("XM001"), target_id)  # noqa: E731
    with pytest.raises(Refused, match="实施或完工后才能填写") as e, unit_of_work("测试"):
        service.record_actual(item(), actual="3.0", met=True)
    assert e.value.conflict
    with unit_of_work("测试"):
        get_project("XM001").status = S.IMPLEMENTING
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        service.record_actual(item(), actual="2.8", met="否", gap_reason=" ")
    assert e.value.field == "gap_reason" and "须填写未达成原因" in e.value.message
    with unit_of_work("测试"):
        service.record_actual(item(), actual="2.8", met="否", gap_reason="一段路基塌方改线")
    got = item()
    assert (got.actual, got.met, got.gap_reason) == ("2.8", False, "一段路基塌方改线")
    with unit_of_work("测试"):
        service.record_actual(item(), actual="3.2", met="是", gap_reason="不再需要")
    assert (item().met, item().gap_reason) == (True, None)
    updates = db.session.scalars(select(Change).where(
        Change.entity == "performance_target", Change.action == "update")
        .order_by(Change.id)).all()
    assert [c.after["actual"] for c in updates] == ["2.8", "3.2"]
    assert updates[1].before["gap_reason"] == "一段路基塌方改线"


def test_a_stopped_project_takes_no_new_target(ctx, county):
    with unit_of_work("测试"):
        change_status(get_project("XM002"), S.STOPPED, user=get_user(county["admin"]),
                      reason="群众意愿变化")
    with pytest.raises(Refused, match="已终止"), unit_of_work("测试"):
        _add("XM002")


# --- pages ---------------------------------------------------------------------------


def test_the_unit_adds_a_target_on_the_project_page(client, county):
    login(client, county["manager"])
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "尚未填写绩效目标" in page and "至少填写一项绩效目标" in page
    token = csrf_token(client, "/projects/XM001/targets/new")
    r = client.post("/projects/XM001/targets/new", data={
        "csrf_token": token, "category": "效益", "name": "受益人口", "measure": "人",
        "target": ""})
    assert r.status_code == 422 and "目标值不能为空" in r.get_data(as_text=True)
    r = client.post("/projects/XM001/targets/new", data={
        "csrf_token": token, "category": "效益", "name": "受益人口", "measure": "人",
        "target": "≥1200"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/projects/XM001#targets")
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "受益人口" in page and "≥1200" in page and "已添加绩效目标「受益人口」" in page


def test_another_units_manager_and_a_viewer_may_not(client, county):
    login(client, county["manager"])
    assert client.get("/projects/XM002/targets/new").status_code == 403
    login(client, county["viewer"])
    assert client.get("/projects/XM001/targets/new").status_code == 403
    assert "添加绩效目标" not in client.get("/projects/XM001").get_data(as_text=True)


def test_actuals_on_the_page_and_in_the_year_plan(client, county, app):
    with app.app_context(), unit_of_work("测试"):
        target_id = _add().id
        change_status(get_project("XM001"), S.PLANNED, user=get_user(county["finance"]))
        change_status(get_project("XM001"), S.IMPLEMENTING, user=get_user(county["finance"]))
    login(client, county["manager"])
    path = f"/projects/XM001/targets/{target_id}"
    assert "填写实际值" in client.get("/projects/XM001").get_data(as_text=True)
    r = client.post(path, data={"csrf_token": csrf_token(client, path), "actual": "2.8",
                                "met": "否", "gap_reason": ""})
    assert r.status_code == 422 and "须填写未达成原因" in r.get_data(as_text=True)
    r = client.post(path, data={"csrf_token": csrf_token(client, path), "actual": "2.8",
                                "met": "否", "gap_reason": "路基塌方改线"})
    assert r.status_code == 302
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "未达成" in page and "路基塌方改线" in page
    plan = client.get("/projects/plan?year=2025").get_data(as_text=True)
    assert "产出:新建道路长度 3.2公里 / 2.8公里(未达成:路基塌方改线)" in plan
    assert client.get("/projects/XM001/targets/99999").status_code == 404


# --- API -----------------------------------------------------------------------------


def test_the_api_adds_a_target_and_records_its_actual(client, county, tokens, app):
    manager = bearer(tokens["manager"])
    r = client.post("/api/v1/projects/XM001/targets", headers=manager, json={
        "category": "满意度", "name": "受益群众满意度", "measure": "%", "target": "≥95"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["project_code"] == "XM001" and body["met"] is None
    assert body["category"] == "满意度" and body["target"] == "≥95"
    r = client.post("/api/v1/projects/XM001/targets", headers=manager,
                    json={"category": "满意度", "target": "≥95"})
    assert r.status_code == 422
    assert r.get_json()["errors"] == [{"field": "name", "message": "指标名称不能为空"}]
    put = f"/api/v1/projects/XM001/targets/{body['id']}"
    r = client.put(put, headers=manager, json={"actual": "97", "met": "是"})
    assert r.status_code == 409 and r.get_json()["errors"][0]["field"] == "status"
    with app.app_context(), unit_of_work("测试"):
        get_project("XM001").status = S.IMPLEMENTING
    r = client.put(put, headers=manager, json={"actual": "97", "met": True})
    assert r.status_code == 200 and r.get_json()["met"] == "是" and r.get_json()["actual"] == "97"


def test_the_api_refuses_who_may_not_and_what_is_not_there(client, county, tokens):
    body = {"category": "产出", "name": "x", "target": "1"}
    assert client.post("/api/v1/projects/XM001/targets", headers=bearer(tokens["viewer"]),
                       json=body).status_code == 403
    # another unit's project: 403 whatever the body
    assert client.post("/api/v1/projects/XM002/targets", headers=bearer(tokens["manager"]),
                       json="nonsense").status_code == 403
    assert client.post("/api/v1/projects/NOPE/targets", headers=bearer(tokens["admin"]),
                       json=body).status_code == 404
    assert client.put("/api/v1/projects/XM001/targets/12345", headers=bearer(tokens["admin"]),
                      json={"actual": "1", "met": "是"}).status_code == 404
    r = client.post("/api/v1/projects/XM001/targets", headers=bearer(tokens["admin"]),
                    json={**body, "weight": 10})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "weight"
