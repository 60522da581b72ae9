"""节点: a manager keeps their unit's milestones; nobody else changes them."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.enums import PaymentKind
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.ledger import overdue_list
from fundtrack.milestones.models import Milestone
from fundtrack.projects.service import get_project
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, day, milestone, pay, project, source


@pytest.fixture
def county(app):
    """XM001 (县交通运输局, the manager's unit): approved, 开工 planned 30 days ago;
    XM002 (县水利局): 开工 planned 10 days ago, not done."""
    with app.app_context(), unit_of_work("测试"):
        t = today().toordinal()
        ago = lambda n: day_of(t - n)  # noqa: E731
        p1 = project("XM001", unit="县交通运输局")
        p2 = project("XM002", unit="县水利局", township="东关乡")
        milestone(p1, K.APPROVED, planned=ago(200), done=ago(200))
        milestone(p1, K.DESIGNED, planned=ago(100), done=ago(90))
        milestone(p1, K.STARTED, planned=ago(30))
        milestone(p2, K.APPROVED, planned=ago(100), done=ago(100))
        milestone(p2, K.DESIGNED, planned=ago(10))
    return app


def today() -> dt.date:
    """What the app calls today (FUNDTRACK_TIMEZONE defaults to Asia/Shanghai)."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def day_of(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def ms(app, code: str, kind: K) -> Milestone | None:
    with app.app_context():
        return db.session.scalar(
            select(Milestone).join(Milestone.project)
            .where(Milestone.kind == kind, Milestone.project.has(code=code)))


def changes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Change))


def overdue_pairs(app):
    with app.app_context():
        return {(r["project_code"], r["milestone"]) for r in overdue_list(today()).rows}


def test_manager_sees_their_units_projects_with_the_next_milestone(county, client, users):
    login(client, users["manager"])
    html = client.get("/milestones/").get_data(as_text=True)
    assert "XM001" in html and "XM002" not in html
    # current 设计预算完成; next the first recorded after it: 开工 (项目评审 and 招标完成
    # are absent), 30 days overdue
    assert "<td>设计预算完成</td>" in html and "<td>开工</td>" in html
    assert 'class="overdue"' in html and "1 个,最长 30 天" in html
    assert "逾期30天" in html
    assert 'action="/milestones/XM001/%E5%BC%80%E5%B7%A5/done"' in html


def test_next_milestone_without_recorded_ones_is_the_kind_after_the_current(
        app, client, users):
    with app.app_context(), unit_of_work("测试"):
        project("XM007", unit="县交通运输局")
        p = project("XM008", unit="县交通运输局")
        for kind in K:
            milestone(p, kind, done="2024-01-01")
    login(client, users["manager"])
    html = client.get("/milestones/?sort=project_code").get_data(as_text=True)
    xm7 = html[html.index("XM007</a>"):html.index("XM008</a>")]
    assert "<td>立项入库</td>" in xm7 and "未定" in xm7
    xm8 = html[html.index("XM008</a>"):]
    assert "全部完成" in xm8 and "完成</button>" not in xm8


def test_others_see_every_unit_with_a_unit_filter_and_no_forms(county, client, users):
    login(client, users["viewer"])
    html = client.get("/milestones/").get_data(as_text=True)
    assert "XM001" in html and "XM002" in html and "完成</button>" not in html
    html = client.get("/milestones/?unit=县水利局").get_data(as_text=True)
    assert "XM002" in html and "XM001" not in html
    # the overdue filter and the longest overdue first
    html = client.get("/milestones/?overdue=1").get_data(as_text=True)
    assert html.index("XM001") < html.index("XM002")


def test_one_step_done_takes_the_milestone_off_the_overdue_list(county, client, users):
    assert ("XM001", "开工") in overdue_pairs(county)
    login(client, users["manager"])
    token = csrf_token(client, "/milestones/")
    r = client.post("/milestones/XM001/开工/done",
                    data={"csrf_token": token, "done_on": today().isoformat(),
                          "next": "/milestones/?overdue=1"})
    assert r.status_code == 302 and r.headers["Location"] == "/milestones/?overdue=1"
    assert ms(county, "XM001", K.STARTED).done_on == today()
    assert ("XM001", "开工") not in overdue_pairs(county)
    html = client.get("/milestones/?overdue=1").get_data(as_text=True)
    assert "「开工」已完成" in html and "XM001</a>" not in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_done_goes_back_only_to_this_site(county, client, users, target):
    login(client, users["manager"])
    r = client.post("/milestones/XM001/开工/done",
                    data={"csrf_token": csrf_token(client, "/milestones/"),
                          "done_on": today().isoformat(), "next": target})
    assert r.status_code == 302 and r.headers["Location"] == "/milestones/"


def test_a_refused_done_date_is_flashed_and_nothing_changes(county, client, users):
    login(client, users["manager"])
    before = changes(county)
    token = csrf_token(client, "/milestones/")
    early = day_of(today().toordinal() - 95)  # before 设计预算完成's actual date
    r = client.post("/milestones/XM001/开工/done",
                    data={"csrf_token": token, "done_on": early}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert 'class="flash flash-error"' in html and "早于前序节点「设计预算完成」" in html
    assert ms(county, "XM001", K.STARTED).done_on is None and changes(county) == before
    r = client.post("/milestones/XM001/开工/done",
                    data={"csrf_token": token, "done_on": "2024-02-30"}, follow_redirects=True)
    assert "不是有效日期" in r.get_data(as_text=True)


def test_an_actual_date_after_today_is_refused_a_planned_one_is_not(county, client, users):
    """Invariant 8: what has not happened cannot be recorded as done."""
    login(client, users["manager"])
    before = changes(county)
    tomorrow = day_of(today().toordinal() + 1)
    token = csrf_token(client, "/milestones/")
    r = client.post("/milestones/XM001/开工/done",
                    data={"csrf_token": token, "done_on": tomorrow}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert 'class="flash flash-error"' in html
    assert f"「开工」的实际日期 {tomorrow} 晚于今天 {today().isoformat()}" in html
    assert ms(county, "XM001", K.STARTED).done_on is None and changes(county) == before

    data = edit_data(client, "XM001")
    data.update({"started-done_on": tomorrow, "completed-planned_on": tomorrow})
    html = client.post("/milestones/XM001/edit", data=data).get_data(as_text=True)
    row = html[html.index('<th scope="row">开工</th>'):html.index('<th scope="row">完工</th>')]
    assert "晚于今天" in row and "未保存任何更改" in html
    assert changes(county) == before

    data.update({"started-done_on": today().isoformat()})  # today itself is fine
    assert client.post("/milestones/XM001/edit", data=data).status_code == 302
    assert ms(county, "XM001", K.STARTED).done_on == today()
    assert ms(county, "XM001", K.COMPLETED).planned_on == day(tomorrow)


def test_settlement_refusal_on_acceptance_is_flashed(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        arrive(zy, "100000.00", "2024-01-01")
        p = project("XM009", unit="县交通运输局")
        allocate(p, zy, "50000.00")
        milestone(p, K.ACCEPTED, done="2024-03-01")
        pay("PZ9", p, zy, "1000.00", "2024-03-05", kind=PaymentKind.SETTLEMENT)
    login(client, users["manager"])
    r = client.post("/milestones/XM009/验收/done",
                    data={"csrf_token": csrf_token(client, "/milestones/"),
                          "done_on": "2024-03-10"}, follow_redirects=True)
    assert "已于 2024-03-05 支付结算款" in r.get_data(as_text=True)
    assert ms(app, "XM009", K.ACCEPTED).done_on == day("2024-03-01")


@pytest.mark.parametrize("method, path", [
    ("get", "/milestones/XM002/edit"), ("post", "/milestones/XM002/edit"),
    ("get", "/milestones/XM002/schedule"), ("post", "/milestones/XM002/schedule"),
    ("post", "/milestones/XM002/设计预算完成/done"),
])
def test_manager_is_refused_on_another_units_project(county, client, users, method, path):
    login(client, users["manager"])
    token = csrf_token(client, "/milestones/")
    data = {"csrf_token": token, "done_on": today().isoformat()}
    r = client.get(path) if method == "get" else client.post(path, data=data)
    assert r.status_code == 403
    assert ms(county, "XM002", K.DESIGNED).done_on is None


@pytest.mark.parametrize("role", ["viewer", "finance", "auditor"])
def test_readers_cannot_post(county, client, users, role):
    login(client, users[role])
    token = csrf_token(client, "/milestones/")
    for path in ("/milestones/XM001/开工/done", "/milestones/XM001/edit",
                 "/milestones/XM001/schedule"):
        r = client.post(path, data={"csrf_token": token, "done_on": today().isoformat()})
        assert r.status_code == 403, path
    assert ms(county, "XM001", K.STARTED).done_on is None


def test_admin_may_set_any_units_milestone(county, client, users):
    login(client, users["admin"])
    r = client.post("/milestones/XM002/设计预算完成/done",
                    data={"csrf_token": csrf_token(client, "/milestones/"),
                          "done_on": today().isoformat()})
    assert r.status_code == 302
    assert ms(county, "XM002", K.DESIGNED).done_on == today()


def test_unknown_project_or_kind_is_404(county, client, users):
    login(client, users["admin"])
    token = csrf_token(client, "/milestones/")
    assert client.post("/milestones/NOPE/开工/done", data={"csrf_token": token}).status_code \
        == 404
    assert client.post("/milestones/XM001/竣工/done", data={"csrf_token": token}).status_code \
        == 404
    assert client.get("/milestones/NOPE/edit").status_code == 404


# --- the full edit ------------------------------------------------------------------------


def edit_data(client, code: str) -> dict:
    """The edit form as the page fills it."""
    html = client.get(f"/milestones/{code}/edit").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    names = re.findall(r'<input[^>]*name="([^"]+)"', html)
    return {n: data.get(n, "") for n in names}


def test_edit_saves_all_eight_together(county, client, users):
    login(client, users["manager"])
    data = edit_data(client, "XM001")
    assert data["designed-planned_on"] == day_of(today().toordinal() - 100)
    data.update({"started-done_on": today().isoformat(), "started-note": "路基已开挖",
                 "completed-planned_on": "2099-12-31", "reviewed-planned_on": "2099-01-01"})
    r = client.post("/milestones/XM001/edit", data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith("/projects/XM001#milestones")
    assert ms(county, "XM001", K.STARTED).done_on == today()
    assert ms(county, "XM001", K.STARTED).note == "路基已开挖"
    assert ms(county, "XM001", K.COMPLETED).planned_on == day("2099-12-31")
    assert ms(county, "XM001", K.TENDERED) is None  # left empty: no row made


def test_edit_moves_several_actual_dates_later_at_once(county, client, users):
    """开工 and 完工 both move after the old 完工: saved in an order that keeps the rule."""
    t = today().toordinal()
    with county.app_context(), unit_of_work("测试"):
        p = get_project("XM001")
        milestone(p, K.STARTED, done=day_of(t - 20))
        milestone(p, K.COMPLETED, done=day_of(t - 10))
    login(client, users["manager"])
    data = edit_data(client, "XM001")
    data.update({"started-done_on": day_of(t - 5), "completed-done_on": day_of(t - 1)})
    assert client.post("/milestones/XM001/edit", data=data).status_code == 302
    assert ms(county, "XM001", K.STARTED).done_on == day(day_of(t - 5))
    assert ms(county, "XM001", K.COMPLETED).done_on == day(day_of(t - 1))
    # and back, both earlier than the old 开工
    data = edit_data(client, "XM001")
    data.update({"started-done_on": day_of(t - 40), "completed-done_on": day_of(t - 30)})
    assert client.post("/milestones/XM001/edit", data=data).status_code == 302
    assert ms(county, "XM001", K.COMPLETED).done_on == day(day_of(t - 30))


def test_an_edit_refusal_shows_next_to_its_milestone_and_saves_nothing(
        county, client, users):
    login(client, users["manager"])
    before = changes(county)
    data = edit_data(client, "XM001")
    early = day_of(today().toordinal() - 95)
    data.update({"started-done_on": early, "completed-planned_on": "2099-12-31"})
    r = client.post("/milestones/XM001/edit", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    message = "早于前序节点「设计预算完成」"
    row = html[html.index('<th scope="row">开工</th>'):html.index('<th scope="row">完工</th>')]
    assert message in row and "未保存任何更改" in html
    assert f'value="{early}"' in row  # what the user typed stays on the form
    assert ms(county, "XM001", K.STARTED).done_on is None
    assert ms(county, "XM001", K.COMPLETED) is None and changes(county) == before


def test_edit_refuses_an_unreadable_date_on_its_field(county, client, users):
    login(client, users["manager"])
    data = edit_data(client, "XM001")
    data["started-done_on"] = "明天"
    html = client.post("/milestones/XM001/edit", data=data).get_data(as_text=True)
    assert "不是有效日期" in html and ms(county, "XM001", K.STARTED).done_on is None
