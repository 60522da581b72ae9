"""资产移交: after 报账 a project's assets are registered (class, value, owner,
maintainer, date, document); the registry filters what is handed over and what is not;
a settled project with nothing handed over after N days is a warning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.assets import service
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.projects.service import get_project
from fundtrack.settings.service import set_warning_thresholds
from fundtrack.warnings.rules import all_warnings
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, day, milestone, pay, project, source


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2024-03-01")
        road = project("XM001", unit="县交通运输局")
        allocate(road, src, "300000.00", "2024-03-02")
        pay("PZ0001", road, src, "123456.78", "2024-04-01")
        milestone(road, K.SETTLED, planned="2024-06-01", done="2024-06-01")
        project("XM002", unit="县交通运输局")  # not settled
        water = project("XM003", unit="县水利局")
        milestone(water, K.SETTLED, done="2024-05-01")
    return users


def _hand_over(code="XM001", **kw):
    values = dict(name="东村道路 3.2 公里", asset_class="公益性", value=Decimal("123456.78"),
                  owner="东村村民委员会", maintainer="东村村民委员会", caretaker="李四 13900000000",
                  handed_over_on=day("2024-07-01"), document_no="城关〔2024〕12号")
    return service.record_handover(get_project(code), **{**values, **kw})


def test_a_settled_projects_asset_is_registered_with_its_history(ctx, county):
    with unit_of_work("测试"):
        _hand_over()
    change = db.session.scalars(select(Change).where(Change.entity == "asset_handover")).one()
    assert change.action == "insert" and change.entity_key == "XM001/东村道路 3.2 公里"
    assert change.after["asset_class"] == "公益性" and change.after["owner"] == "东村村民委员会"
    assert change.after["value"] == "123456.78"


def test_before_settlement_nothing_is_handed_over(ctx, county):
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        _hand_over("XM002")
    assert e.value.conflict and "尚未报账" in e.value.message


@pytest.mark.parametrize(("kw", "field", "words"), [
    ({"owner": " "}, "owner", "产权归属不能为空"),
    ({"maintainer": None}, "maintainer", "管护主体不能为空"),
    ({"asset_class": "固定资产"}, "asset_class", "应为:经营性、公益性、到户类"),
    ({"value": Decimal("-1.00")}, "value", "不能为负数"),
    ({"handed_over_on": dt.date(2999, 1, 1)}, "handed_over_on", "晚于今天"),
    ({"handed_over_on": None}, "handed_over_on", "移交日期不能为空"),
])
def test_each_refusal_names_its_field(ctx, county, kw, field, words):
    with pytest.raises(Refused) as e, unit_of_work("测试"):
        _hand_over(**kw)
    assert e.value.field == field and words in e.value.message
    assert service.handovers_of(get_project("XM001")) == []


def test_the_unit_hands_over_on_the_project_page(client, county):
    login(client, county["manager"])
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "资产尚未移交" in page and "登记资产移交" in page
    path = "/projects/XM001/assets/new"
    form = client.get(path).get_data(as_text=True)
    assert 'value="123456.78"' in form  # the project's spent, offered as its value
    data = {"csrf_token": csrf_token(client, path), "name": "东村道路", "asset_class": "公益性",
            "value": "12,3", "owner": "东村村民委员会", "maintainer": "东村村民委员会",
            "handed_over_on": "2024-07-01"}
    r = client.post(path, data=data)
    assert r.status_code == 422 and "资产价值" in r.get_data(as_text=True)
    r = client.post(path, data={**data, "value": "120000.00"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/projects/XM001#assets")
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "资产尚未移交" not in page and "120,000.00" in page and "东村村民委员会" in page
    # another unit's project
    assert client.get("/projects/XM003/assets/new").status_code == 403
    login(client, county["viewer"])
    assert client.get(path).status_code == 403


def test_the_registry_filters_handed_over_and_not(client, county, app):
    with app.app_context(), unit_of_work("测试"):
        _hand_over()
    login(client, county["viewer"])
    pending = client.get("/projects/?handover=未移交&as_of=2024-12-31").get_data(as_text=True)
    assert "XM003" in pending and "XM001" not in pending and "XM002" not in pending
    done = client.get("/projects/?handover=已移交&as_of=2024-12-31").get_data(as_text=True)
    assert "XM001" in done and "XM003" not in done
    # as of a date before the handover, XM001 was still waiting
    before = client.get("/projects/?handover=未移交&as_of=2024-06-15").get_data(as_text=True)
    assert "XM001" in before
    assert client.get("/projects/?handover=maybe").status_code == 400


def test_the_asset_ledger_lists_and_totals(client, county, app):
    with app.app_context(), unit_of_work("测试"):
        _hand_over()
        _hand_over(name="东村路灯 20 盏", asset_class="经营性", value=Decimal("3456.22"))
    login(client, county["auditor"])
    page = client.get("/assets/").get_data(as_text=True)
    assert "东村道路 3.2 公里" in page and "东村路灯 20 盏" in page
    assert "合计(2 项)" in page and "126,913.00" in page
    page = client.get("/assets/?asset_class=经营性").get_data(as_text=True)
    assert "东村路灯 20 盏" in page and "东村道路 3.2 公里" not in page
    assert client.get("/assets/?asset_class=xx").status_code == 400


def test_a_settled_project_not_handed_over_after_n_days_is_a_warning(ctx, county):
    with unit_of_work("测试"):
        set_warning_thresholds({"handover_after_settlement_days": 30})

    def warned(as_of):
        return sorted(a.project_code for a in all_warnings(day(as_of))
                      if a.rule == "not_handed_over")
    # XM003 settled 2024-05-01: day 30 is 05-31, day 31 warns; XM001 (06-01) not yet
    assert warned("2024-05-31") == []
    assert warned("2024-06-01") == ["XM003"]
    assert warned("2024-07-02") == ["XM001", "XM003"]
    with unit_of_work("测试"):
        _hand_over()
    assert warned("2024-07-02") == ["XM003"]
    assert warned("2024-06-30") == ["XM003"]  # handed over 07-01: by 06-30 nothing was
    alert = next(a for a in all_warnings(day("2024-07-02")) if a.rule == "not_handed_over")
    assert "已于 2024-05-01 报账,已 62 天仍未登记资产移交(超过 30 天)" in alert.reason


def test_the_asset_ledger_runs_as_many_statements_for_many_assets(client, county, app,
                                                                  count_statements):
    login(client, county["viewer"])
    with app.app_context(), unit_of_work("测试"):
        _hand_over()
    few = count_statements(client, "/assets/")
    with app.app_context(), unit_of_work("测试"):
        for i in range(30):
            _hand_over("XM003", name=f"西村供水设施 {i}", value=Decimal("100.00"))
    many = count_statements(client, "/assets/")
    assert few == many, (few, many)  # none per row
    print("statements: /assets/", many, "/projects/XM003 with 30 assets",
          count_statements(client, "/projects/XM003"))


def test_the_api_registers_an_asset_its_value_defaulting_to_the_spent(client, county,
                                                                        tokens):
    from tests.conftest import bearer

    manager = bearer(tokens["manager"])
    body = {"name": "东村道路", "asset_class": "公益性", "owner": "东村村民委员会",
            "maintainer": "东村村民委员会", "handed_over_on": "2024-07-01"}
    r = client.post("/api/v1/projects/XM001/assets", headers=manager, json=body)
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["value"] == "123456.78" and got["asset_class"] == "公益性"
    assert got["project_code"] == "XM001" and got["handed_over_on"] == "2024-07-01"
    r = client.post("/api/v1/projects/XM001/assets", headers=manager,
                    json={**body, "value": "1.234"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "value"
    r = client.post("/api/v1/projects/XM001/assets", headers=manager,
                    json={**body, "handed_over_on": "昨天"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "handed_over_on"
    r = client.post("/api/v1/projects/XM002/assets", headers=manager, json=body)
    assert r.status_code == 409 and "尚未报账" in r.get_json()["errors"][0]["message"]
    # another unit's project, a viewer, no such project
    assert client.post("/api/v1/projects/XM003/assets", headers=manager,
                       json=body).status_code == 403
    assert client.post("/api/v1/projects/XM001/assets", headers=bearer(tokens["viewer"]),
                       json=body).status_code == 403
    assert client.post("/api/v1/projects/NOPE/assets", headers=bearer(tokens["admin"]),
                       json=body).status_code == 404
