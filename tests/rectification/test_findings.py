"""整改: recording a finding, evidence, closing and reopening, with the refusals, the
roles and the change history; the migration's tables."""

from __future__ import annotations

import re

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from fundtrack.database import unit_of_work
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.rectification import service
from fundtrack.rectification.models import Finding, FindingSource, FindingStatus
from tests import factories as f
from tests.conftest import csrf_token, login
from tests.factories import day


@pytest.fixture
def projects(app):
    with app.app_context(), unit_of_work("县财政局"):
        f.project("XM001")  # 县交通运输局
        f.project("XM002", unit="县水利局")
    return app


def _new(client, **changes):
    data = {"source": "audit", "project_code": "XM001", "unit": "",
            "description": "项目资金未及时拨付", "found_on": "2024-06-01",
            "deadline": "2024-06-30", "csrf_token": csrf_token(client, "/rectification/new")}
    data.update(changes)
    return client.post("/rectification/new", data=data)


def _finding_id(response) -> int:
    return int(re.search(r"/rectification/(\d+)", response.headers["Location"]).group(1))


def test_refusals_of_the_service(projects):
    cases = [
        (dict(project_code=None, unit_name=None), "project_code", "至少一项"),
        (dict(project_code="XM999"), "project_code", "没有编号为「XM999」的项目"),
        (dict(project_code="XM001", unit_name="县水利局"), "unit", "不一致"),
        (dict(project_code="XM001", deadline=day("2024-05-31")), "deadline", "不能早于"),
        (dict(project_code="XM001", description="  "), "description", "请填写问题描述"),
    ]
    for changes, field, message in cases:
        args = dict(source=FindingSource.AUDIT, description="问题", found_on=day("2024-06-01"),
                    deadline=day("2024-06-30"))
        args.update(changes)
        with projects.app_context(), pytest.raises(Refused) as e, unit_of_work("审计"):
            service.record_finding(**args)
        assert e.value.field == field and message in e.value.message, changes
    # the deadline may be the day it was found
    with projects.app_context(), unit_of_work("审计"):
        same = service.record_finding(source=FindingSource.OTHER, description="问题",
                                      unit_name="县水利局", found_on=day("2024-06-01"),
                                      deadline=day("2024-06-01"))
        assert same.project_id is None and same.unit.name == "县水利局"
        with pytest.raises(Refused, match="不能早于发现日期"):
            service.close(same, done_on=day("2024-05-31"), note="已整改")
        with pytest.raises(Refused, match="请填写整改证据说明"):
            service.close(same, done_on=day("2024-06-01"), note="")
        with pytest.raises(Refused, match="尚未完成"):
            service.reopen(same, note="未整改到位", on=day("2024-06-02"))
        service.close(same, done_on=day("2024-06-01"), note="当日整改")
        with pytest.raises(Refused, match="已整改完成"):
            service.close(same, done_on=day("2024-06-02"), note="再次")


def test_flow_from_finding_to_done_and_back_with_history(projects, client, users):
    login(client, users["auditor"])
    r = _new(client)
    assert r.status_code == 302
    fid = _finding_id(r)
    page = client.get(f"/rectification/{fid}").get_data(as_text=True)
    assert "整改中" in page and "XM001" in page and "县交通运输局" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    # the manager of the project's unit adds evidence, and may not mark it done
    login(client, users["manager"])
    page = client.get(f"/rectification/{fid}").get_data(as_text=True)
    assert "添加整改证据" in page and "标记为整改完成" not in page
    token = csrf_token(client, f"/rectification/{fid}")
    assert client.post(f"/rectification/{fid}/evidence",
                       data={"note": "已拨付,附凭证", "csrf_token": token}).status_code == 302
    assert client.post(f"/rectification/{fid}/close", data={
        "note": "资金已全部拨付", "done_on": "2024-06-20", "csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})

    # the auditor checks the evidence and marks it done
    login(client, users["auditor"])
    token = csrf_token(client, f"/rectification/{fid}")
    assert "标记为整改完成" in client.get(f"/rectification/{fid}").get_data(as_text=True)
    r = client.post(f"/rectification/{fid}/close", data={"note": "", "done_on": "2024-06-20",
                                                         "csrf_token": token})
    assert r.status_code == 400 and "整改完成须附整改证据说明" in r.get_data(as_text=True)
    r = client.post(f"/rectification/{fid}/close", data={
        "note": "资金已全部拨付", "done_on": "2024-06-20", "csrf_token": token})
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": token})
    # a manager may not reopen
    login(client, users["manager"])
    token = csrf_token(client, f"/rectification/{fid}")
    assert client.post(f"/rectification/{fid}/reopen", data={
        "note": "x", "csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})

    login(client, users["auditor"])
    token = csrf_token(client, f"/rectification/{fid}")
    assert client.post(f"/rectification/{fid}/reopen", data={
        "note": "抽查发现仍有未拨付", "csrf_token": token}).status_code == 302
    with projects.app_context():
        finding = db.session.get(Finding, fid)
        assert (finding.status, finding.done_on) == (FindingStatus.OPEN, None)
        assert [(n.kind.label, n.author) for n in finding.notes] == [
            ("整改证据", "jiaotong"), ("整改完成", "shenji"), ("重新打开", "shenji")]
        changes = db.session.scalars(select(Change).where(
            Change.entity.in_(["finding", "finding_note"])).order_by(Change.id)).all()
    assert [(c.entity, c.action, c.actor) for c in changes] == [
        ("finding", "insert", "shenji"), ("finding_note", "insert", "jiaotong"),
        ("finding", "update", "shenji"), ("finding_note", "insert", "shenji"),
        ("finding", "update", "shenji"), ("finding_note", "insert", "shenji")]
    assert changes[2].before["status"] == "整改中" and changes[2].after["status"] == "已整改"


def test_who_may_do_what(projects, client, users):
    with projects.app_context(), unit_of_work("审计"):
        other = service.record_finding(source=FindingSource.CITY_NOTICE, description="进度慢",
                                       project_code="XM002", found_on=day("2024-06-01"),
                                       deadline=day("2024-06-30")).id
    for role in ("admin", "finance", "auditor"):
        login(client, users[role])
        assert client.get("/rectification/new").status_code == 200, role
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, users["viewer"])
    assert client.get("/rectification/").status_code == 200
    assert client.get(f"/rectification/{other}").status_code == 200
    assert client.get("/rectification/new").status_code == 403
    token = csrf_token(client, "/rectification/")
    assert client.post(f"/rectification/{other}/evidence",
                       data={"note": "x", "csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    # a manager of another unit (县交通运输局) may read, not close 县水利局's finding
    login(client, users["manager"])
    page = client.get(f"/rectification/{other}").get_data(as_text=True)
    assert "标记为整改完成" not in page
    token = csrf_token(client, "/rectification/")
    assert client.post(f"/rectification/{other}/close", data={
        "note": "x", "done_on": "2024-06-10", "csrf_token": token}).status_code == 403
    assert client.get("/rectification/999").status_code == 404


def test_form_refusals_and_list_filters(projects, client, users):
    login(client, users["finance"])
    r = _new(client, project_code="", unit="")
    assert r.status_code == 400 and "请填写项目编号或责任单位" in r.get_data(as_text=True)
    r = _new(client, deadline="2024-05-01")
    assert r.status_code == 400 and "不能早于发现日期" in r.get_data(as_text=True)
    assert _new(client, deadline="2024-06-10").status_code == 302
    assert _new(client, project_code="", unit="县水利局").status_code == 302
    listing = client.get("/rectification/?as_of=2024-06-11&overdue=1").get_data(as_text=True)
    assert "XM001" in listing and "县水利局" not in listing.split("<tbody>")[1]
    listing = client.get("/rectification/?unit=县水利局").get_data(as_text=True)
    body = listing.split("<tbody>")[1]
    assert "XM001" not in body and "县水利局" in body
    assert client.get("/rectification/?status=nonsense").status_code == 400


def test_migration_made_the_tables(app):
    with app.app_context():
        inspector = inspect(db.engine)
        assert {"finding", "finding_note"} <= set(inspector.get_table_names())
        version = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        scripts = ScriptDirectory(app.extensions["migrate"].directory)
    # 0003_rectification is part of the chain the database was upgraded along
    assert "0003_rectification" in {s.revision for s in scripts.iterate_revisions(version, "base")}


def test_migration_downgrades_and_upgrades_again(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        directory = app.extensions["migrate"].directory
        downgrade(directory=directory, revision="0002")
        assert "finding" not in inspect(db.engine).get_table_names()
        upgrade(directory=directory)
        assert {"finding", "finding_note"} <= set(inspect(db.engine).get_table_names())
