"""退回: the city returns a county's month with a note; the return is in the history, the
roll-up and the package show it, the county sees it through the city's
GET /api/v1/packages (its 上报 page asks), and its corrected package supersedes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.projects.models import Project
from fundtrack.reporting.models import ReportReturn
from tests.conftest import PASSWORD, bearer, csrf_token, login
from tests.factories import milestone
from tests.reporting.conftest import MONTH

NOTE = "XM001 完工日期漏报,请补录后重报"


@pytest.fixture
def received(city, counties):
    run = city.test_cli_runner()
    for county in counties.values():
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0
        assert run.invoke(args=["receive", str(county.file)]).exit_code == 0
    return counties


def _return(client, region="确山县", month=MONTH, note=NOTE):
    token = csrf_token(client, f"/reporting/rollup?month={month}")
    return client.post("/reporting/return", data={
        "region": region, "month": month, "note": note, "csrf_token": token})


def _statuses(city, tokens, region="确山县"):
    r = city.test_client().get(f"/api/v1/packages?region={region}&month={MONTH}",
                               headers=bearer(tokens["admin"]))
    assert r.status_code == 200, r.get_json()
    return r.get_json()["packages"]


def test_the_city_returns_a_month_with_a_note_kept_in_the_history(city, received, users,
                                                                  tokens):
    client = city.test_client()
    login(client, users["admin"])
    r = _return(client)
    assert r.status_code == 302 and "/reporting/packages/" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已退回" in page and NOTE in page
    with city.app_context():
        [kept] = db.session.scalars(select(ReportReturn)).all()
        assert (kept.region, kept.month, kept.note, kept.returned_by) == (
            "确山县", MONTH, NOTE, users["admin"])
        [line] = db.session.scalars(select(Change).where(Change.entity == "report_return"))
        assert line.action == "insert" and line.actor == users["admin"]
        assert line.entity_key == f"确山县 {MONTH}"
    # the roll-up marks it, its figures still in the total until the correction comes
    roll = client.get(f"/reporting/rollup?month={MONTH}").get_data(as_text=True)
    assert "已退回、等待更正重报:确山县(" + NOTE in roll
    api = city.test_client().get(f"/api/v1/rollup?month={MONTH}",
                                 headers=bearer(tokens["viewer"])).get_json()
    assert api["total"]["spent"] == "800000.00"
    # the county's view: the city's API, with the county's token (any signed-in role)
    [only] = _statuses(city, tokens)
    assert only["status"] == "已退回" and only["returned"]["note"] == NOTE
    assert only["returned"]["returned_by"] == users["admin"]
    assert only["returned"]["returned_at"].endswith("+00:00")
    assert [p["status"] for p in _statuses(city, tokens, "泌阳县")] == ["已接收"]
    # once only, until a correction comes
    again = _return(client, note="再退一次")
    assert again.status_code == 302
    assert "已退回,等待其更正后重报" in client.get(again.headers["Location"]).get_data(
        as_text=True)
    with city.app_context():
        assert len(db.session.scalars(select(ReportReturn)).all()) == 1


def test_a_corrected_package_supersedes_the_returned_one(city, received, users, tokens,
                                                         tmp_path):
    client = city.test_client()
    login(client, users["admin"])
    assert _return(client).status_code == 302
    a = received["确山县"]
    with a.app.app_context(), unit_of_work("测试"):
        p1 = db.session.scalar(select(Project).where(Project.code == "XM001"))
        milestone(p1, MilestoneKind.COMPLETED, planned="2024-06-25", done="2024-06-28")
    a.package(tmp_path / "corrected.json")
    result = city.test_cli_runner().invoke(args=["receive", str(tmp_path / "corrected.json")])
    assert result.exit_code == 0, result.output
    newest, returned = _statuses(city, tokens)
    assert (newest["status"], newest["returned"]) == ("已接收", None)
    assert returned["status"] == "已更正" and returned["returned"]["note"] == NOTE
    roll = client.get(f"/reporting/rollup?month={MONTH}").get_data(as_text=True)
    assert "等待更正重报" not in roll
    # the correction may itself be returned
    assert _return(client, note="开工数仍不对").status_code == 302
    assert [p["status"] for p in _statuses(city, tokens)] == ["已退回", "已更正"]


@pytest.mark.parametrize(("region", "month", "note", "words"), [
    ("确山县", MONTH, "  ", "请填写退回原因"), ("确山县", MONTH, "长" * 501, "不超过 500 字"),
    ("新蔡县", MONTH, NOTE, "没有收到「新蔡县」"), ("确山县", "2024-05", NOTE, "没有收到"),
    ("确山县", "2024-13", NOTE, "月份")])
def test_a_return_without_a_note_or_a_package_is_refused(city, received, users, region,
                                                         month, note, words):
    client = city.test_client()
    login(client, users["admin"])
    r = _return(client, region, month, note)
    assert r.status_code == 302
    assert words in client.get(r.headers["Location"]).get_data(as_text=True)
    with city.app_context():
        assert db.session.scalars(select(ReportReturn)).all() == []


def test_only_an_admin_returns(city, received, users):
    for role in ("finance", "auditor", "viewer"):
        client = city.test_client()
        login(client, users[role])
        assert _return(client).status_code == 403, role
    with city.app_context():
        assert db.session.scalars(select(ReportReturn)).all() == []


@pytest.fixture
def city_server(city):
    server = make_server("127.0.0.1", 0, city, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_the_county_sees_the_return_on_its_page(city, city_server, received, users, tokens):
    client = city.test_client()
    login(client, users["admin"])
    assert _return(client).status_code == 302
    a = received["确山县"]
    assert a.cli("create-user", "caiwu", "--role", "finance", "--password-stdin",
                 input=PASSWORD + "\n").exit_code == 0
    county = a.app.test_client()
    login(county, "caiwu")
    a.app.config.update(FUNDTRACK_UPWARD_URL=city_server, FUNDTRACK_UPWARD_TOKEN="wrong")
    assert "上级拒绝查询(HTTP 401)" in county.get("/reporting/").get_data(as_text=True)
    a.app.config["FUNDTRACK_UPWARD_TOKEN"] = tokens["viewer"]
    page = county.get("/reporting/").get_data(as_text=True)
    assert "上级接收情况" in page and "已退回" in page and NOTE in page
