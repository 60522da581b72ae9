"""基准计划 and 计划调整: the dates in force at 实施 are kept; a later move needs a reason."""

from __future__ import annotations

import re

import pytest

from fundtrack.accounts.service import get_user
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.enums import ProjectStatus as S
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.milestones.models import Milestone
from fundtrack.milestones.service import adjustments_of, set_milestone
from fundtrack.projects import service
from fundtrack.projects.service import get_project
from tests.conftest import bearer, csrf_token, login
from tests.factories import day, milestone, project

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def county(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        p = project("XM001", unit="县交通运输局")
        p.status = S.PLANNED
        milestone(p, K.STARTED, planned="2024-04-01")
    with app.app_context(), unit_of_work("测试"):
        admin = get_user("admin")
        service.change_status(get_project("XM001"), S.IMPLEMENTING, user=admin)
    return tokens


def started():
    return db.session.query(Milestone).filter_by(kind=K.STARTED).one()


def test_entering_implementation_keeps_the_baseline(ctx, county):
    assert started().baseline_on == day("2024-04-01")


def test_a_move_needs_a_reason_and_is_kept(ctx, county):
    with pytest.raises(Refused, match="修改「开工」的计划日期须填写调整原因"), \
            unit_of_work("jiaotong"):
        set_milestone(get_project("XM001"), K.STARTED, planned_on=day("2024-05-01"))
    assert started().planned_on == day("2024-04-01")
    with unit_of_work("jiaotong"):
        set_milestone(get_project("XM001"), K.STARTED, planned_on=day("2024-05-01"),
                      reason="雨季推迟开工")
    m = started()
    assert m.planned_on == day("2024-05-01") and m.baseline_on == day("2024-04-01")
    [a] = adjustments_of(get_project("XM001"))
    assert (a.old_on, a.new_on, a.reason, a.actor) == (
        day("2024-04-01"), day("2024-05-01"), "雨季推迟开工", "jiaotong")


def test_the_api_takes_the_reason(client, county):
    url = "/api/v1/projects/XM001/milestones/开工"
    r = client.put(url, json={"planned_on": "2024-06-01"}, headers=bearer(county["manager"]))
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "reason"
    r = client.put(url, json={"planned_on": "2024-06-01", "reason": "设计变更"},
                   headers=bearer(county["manager"]))
    assert r.status_code == 200


def test_the_project_page_shows_the_adjustment(client, county, users):
    login(client, users["manager"])
    path = "/milestones/XM001/edit"
    page = client.get(path).get_data(as_text=True)
    assert "调整原因" in page
    # the whole form as the browser sends it: every milestone's fields
    data = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    data.update({k: "" for k in re.findall(r'name="([^"]+)"', page) if k not in data})
    data["csrf_token"] = csrf_token(client, path)
    key = next(k for k in data if k.endswith("planned_on") and data[k] == "2024-04-01")
    data[key] = "2024-05-10"
    r = client.post(path, data=data)
    assert r.status_code == 200 and "须填写调整原因" in r.get_data(as_text=True)
    data["reason"] = "征地延误"
    r = client.post(path, data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "计划调整" in page and "征地延误" in page and "2024-05-10" in page


def test_the_overdue_list_shows_the_baselines_delay(client, county, users):
    with client.application.app_context(), unit_of_work("jiaotong"):
        set_milestone(get_project("XM001"), K.STARTED, planned_on=day("2024-05-01"),
                      reason="雨季推迟开工")
    login(client, users["viewer"])
    page = client.get("/ledger/overdue?as_of=2024-05-11").get_data(as_text=True)
    assert "基准计划日期" in page and "基准逾期天数" in page
    row = page.split('<tr class="overdue">')[1].split("</tr>")[0]
    assert "2024-05-01" in row and "2024-04-01" in row
    assert ">10<" in row and ">40<" in row  # 10 days late on the plan, 40 on the baseline
