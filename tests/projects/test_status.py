"""项目状态: 储备 → 计划 → 实施 → 完工 → 终止; only 计划 and 实施 receive money; a 储备
project is in the registry only."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from fundtrack.accounts.service import get_user
from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus as S
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds import service as funds
from fundtrack.history.models import Change
from fundtrack.ledger import LedgerFilter, project_ledger
from fundtrack.ledger.reports import summary_total
from fundtrack.performance.service import add_target
from fundtrack.projects import service
from fundtrack.projects.service import get_project
from tests.conftest import csrf_token, login
from tests.factories import day, project, source

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        source("ZY01", "1000000.00")
        project("XM001", unit="县交通运输局")
        p = project("XM002", unit="县交通运输局", total_investment="90000.00")
        p.status = S.PROPOSED
        # 审定 needs a performance target (tests/performance has the rule)
        add_target(p, category="产出", name="新建道路长度", measure="公里", target="3.2")
    return users


def allocate(code, amount="1000.00"):
    return funds.allocate(get_project(code), funds.get_source("ZY01"), amount=D(amount))


def test_a_reserve_project_receives_no_allocation(ctx, county):
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        allocate("XM002")
    assert e.value.conflict and e.value.field == "project_code"
    assert "状态为储备,只有计划和实施的项目才能安排资金" in e.value.message


def test_approved_it_receives_one_and_a_completed_one_none(ctx, county):
    with unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.PLANNED,
                              user=get_user(county["finance"]))
        allocate("XM002")
        service.change_status(get_project("XM001"), S.COMPLETED,
                              user=get_user(county["admin"]))
    with pytest.raises(Refused, match="状态为完工"), unit_of_work("测试"):
        allocate("XM001")
    p = get_project("XM002")
    assert p.approved_by == county["finance"] and p.approved_at is not None


def test_the_steps_and_who_takes_them(ctx, county):
    manager, admin = get_user(county["manager"]), get_user(county["admin"])
    with pytest.raises(Refused, match="无权将项目审定列入计划"), unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.PLANNED, user=manager)
    with pytest.raises(Refused, match="状态为储备,不能改为实施"), unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.IMPLEMENTING, user=admin)
    with pytest.raises(Refused, match="终止项目须填写终止原因"), unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.STOPPED, user=admin, reason=" ")
    with unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.STOPPED, user=admin,
                              reason="群众意愿变化,不再建设")
    change = db.session.query(Change).filter_by(entity="project", action="update").one()
    assert change.before["status"] == "储备" and change.after["status"] == "终止"
    assert change.after["stop_reason"] == "群众意愿变化,不再建设"


def test_the_ledgers_leave_out_reserve_projects(ctx, county):
    rows = project_ledger(day("2024-12-31")).rows
    assert [r["project_code"] for r in rows] == ["XM001"]
    assert summary_total(day("2024-12-31"))["projects"] == 1
    listed = project_ledger(day("2024-12-31"), LedgerFilter(include_proposed=True)).rows
    assert len(listed) == 2
    reserve = project_ledger(day("2024-12-31"), LedgerFilter(status=S.PROPOSED)).rows
    assert [r["project_code"] for r in reserve] == ["XM002"]


def test_the_registry_list_filters_by_status(client, county):
    login(client, county["viewer"])
    page = client.get("/projects/?status=储备").get_data(as_text=True)
    assert "XM002" in page and "XM001" not in page
    page = client.get("/projects/").get_data(as_text=True)
    assert "XM002" in page and "XM001" in page


def test_the_county_approves_on_the_project_page(client, county, app):
    login(client, county["finance"])
    page = client.get("/projects/XM002").get_data(as_text=True)
    assert "审定列入计划" in page
    r = client.post("/projects/XM002/status", data={
        "csrf_token": csrf_token(client, "/projects/XM002"), "to": "计划"})
    assert r.status_code == 302
    page = client.get("/projects/XM002").get_data(as_text=True)
    assert "已审定列入计划" in page and county["finance"] in page


def test_a_manager_may_not_approve(client, county):
    login(client, county["manager"])
    assert "审定列入计划" not in client.get("/projects/XM002").get_data(as_text=True)
    r = client.post("/projects/XM002/status", data={
        "csrf_token": csrf_token(client, "/projects/XM002"), "to": "计划"})
    assert r.status_code == 403


def test_the_year_plan_lists_approved_projects_with_channels(client, county, app):
    with app.app_context(), unit_of_work("测试"):
        service.change_status(get_project("XM002"), S.STOPPED,
                              user=get_user(county["admin"]), reason="不再建设")
        project("XM003", unit="县交通运输局", total_investment="70000.00").status = S.PROPOSED
        allocate("XM001", "12345.00")
    login(client, county["viewer"])
    page = client.get("/projects/plan?year=2024").get_data(as_text=True)
    assert "2024年度计划" in page and "XM001" in page and "XM002" in page
    assert "XM003" not in page  # 储备: in the registry only
    assert "12,345.00" in page and "终止" in page
    assert "合计(2 个项目)" in page and "590,000.00" in page  # 500000 + 90000
    assert "css/plan.css" in page and "data-print" in page
    assert client.get("/projects/plan?year=二〇二四").status_code == 400


def test_the_year_plan_runs_as_many_statements_for_many_projects(client, county, app,
                                                                   count_statements):
    login(client, county["viewer"])
    few = count_statements(client, "/projects/plan?year=2024")
    with app.app_context(), unit_of_work("测试"):
        for i in range(30):
            project(f"XN{i:03}", unit="县交通运输局")
            allocate(f"XN{i:03}", "10.00")
    many = count_statements(client, "/projects/plan?year=2024")
    assert few == many == 6, (few, many)  # none per row (the 6th: the 绩效目标)
