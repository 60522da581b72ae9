"""变更记录: newest first, filtered by record type, key, user and date (China time),
each change shown as before → after. Read-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.milestones.service import set_milestone
from fundtrack.projects.service import get_project
from tests import factories as f
from tests.conftest import login
from tests.dashboard.county import build_county


@pytest.fixture
def auditor(app, client, users):
    login(client, users["auditor"])
    return client


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_newest_first_with_user_action_and_record(app, auditor):
    build_county(app, actor="王会计")
    with app.app_context(), unit_of_work("李主任"):
        set_milestone(get_project("XM002"), MilestoneKind.STARTED, done_on=f.day("2024-07-01"))
    html = auditor.get("/history/").get_data(as_text=True)
    rows = _rows(html)
    first = rows[0]
    assert "李主任" in first and "修改" in first and "项目节点" in first
    # only what changed, before → after
    assert "实际日期" in first and "<del>(空)</del> → <ins>2024-07-01</ins>" in first
    assert "计划日期" not in first
    assert any("王会计" in r and "新增" in r and "ZY01" in r for r in rows)


def test_filter_by_record_type_key_and_user(app, auditor):
    build_county(app, actor="王会计")
    with app.app_context(), unit_of_work("李主任"):
        set_milestone(get_project("XM002"), MilestoneKind.STARTED, done_on=f.day("2024-07-01"))
    html = auditor.get("/history/?entity=disbursement").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 3 and all("支出" in r for r in rows)
    assert '<option value="disbursement" selected>支出</option>' in html
    rows = _rows(auditor.get("/history/?entity=project&key=XM00").get_data(as_text=True))
    assert len(rows) == 3
    rows = _rows(auditor.get("/history/?key=P002").get_data(as_text=True))
    assert len(rows) == 1 and "123,456.78" in rows[0]
    rows = _rows(auditor.get("/history/?actor=李主任").get_data(as_text=True))
    assert len(rows) == 1 and "项目节点" in rows[0]
    html = auditor.get("/history/?actor=nobody").get_data(as_text=True)
    assert "没有符合条件的变更记录" in html


def test_filter_by_date_in_china_time(app, auditor):
    with app.app_context():
        # 2024-01-01 16:30 UTC is 2024-01-02 00:30 in Beijing
        db.session.add(Change(at=dt.datetime(2024, 1, 1, 16, 30, tzinfo=dt.UTC), actor="夜班",
                              action="insert", entity="unit", entity_id=1, entity_key="县民政局",
                              before=None, after={"id": 1, "name": "县民政局"}))
        db.session.commit()
    html = auditor.get("/history/?date_from=2024-01-02&date_to=2024-01-02").get_data(
        as_text=True)
    rows = _rows(html)
    assert len(rows) == 1 and "2024-01-02 00:30:00" in rows[0] and "县民政局" in rows[0]
    html = auditor.get("/history/?date_to=2024-01-01").get_data(as_text=True)
    assert "没有符合条件" in html
    html = auditor.get("/history/?date_from=2024-01-03&date_to=2024-12-31").get_data(
        as_text=True)
    assert "没有符合条件" in html
    # the first and the last dates there are: everything, not an error
    r = auditor.get("/history/?date_from=0001-01-01&date_to=9999-12-31")
    everything = _rows(auditor.get("/history/").get_data(as_text=True))
    assert r.status_code == 200 and _rows(r.get_data(as_text=True)) == everything
    assert any("县民政局" in row for row in everything)


def test_changes_name_records_by_code_money_and_local_time(app, auditor):
    """No internal ids (项目ID:25), raw amounts (33400) or UTC times in the changes."""
    build_county(app, actor="王会计")
    with app.app_context():
        db.session.add(Change(at=dt.datetime(2024, 1, 1, 16, 30, tzinfo=dt.UTC), actor="管理员",
                              action="insert", entity="api_token", entity_id=9,
                              entity_key="finance",
                              before=None, after={"id": 9, "user_id": 999,
                                                  "created_at": "2024-01-01T16:30:00+00:00"}))
        db.session.commit()
    html = auditor.get("/history/?entity=disbursement&key=P002").get_data(as_text=True)
    (row,) = _rows(html)
    assert "ID" not in row
    assert '<span class="field-name">项目</span>:<ins>XM002 ' in row
    assert '<span class="field-name">资金来源</span>:<ins>SJ01 ' in row
    assert '<span class="field-name">支付金额</span>:<ins>123,456.78</ins>' in row
    assert '<span class="field-name">支付类型</span>:<ins>进度款</ins>' in row
    html = auditor.get("/history/?entity=project&key=XM001").get_data(as_text=True)
    assert "<ins>600,000.00</ins>" in _rows(html)[0] and "责任单位ID" not in html
    (token,) = _rows(auditor.get("/history/?entity=api_token").get_data(as_text=True))
    assert "<ins>2024-01-02 00:30:00</ins>" in token and "+00:00" not in token
    assert "<ins>#999</ins>" in token  # a record no longer there: its id, marked


def test_a_project_code_finds_everything_of_the_project(app, auditor):
    from fundtrack.rectification.models import FindingSource
    from fundtrack.rectification.service import add_evidence, record_finding

    build_county(app, actor="王会计")
    with app.app_context(), unit_of_work("审计员"):
        finding = record_finding(source=FindingSource.AUDIT, description="资料不全",
                                 found_on=f.day("2024-06-01"), deadline=f.day("2024-06-30"),
                                 project_code="XM002")
        add_evidence(finding, "已补齐", f.day("2024-06-10"))
    rows = _rows(auditor.get("/history/?key=XM002").get_data(as_text=True))
    kinds = {kind for row in rows for kind in ("项目", "资金安排", "支出", "整改事项", "整改记录")
             if f"<td>{kind}</td>" in row}
    assert kinds == {"项目", "资金安排", "支出", "整改事项", "整改记录"}
    assert any("P002" in row for row in rows)
    assert not any("P001" in row or "P003" in row for row in rows)


@pytest.mark.parametrize("query, message", [
    ("date_from=2024-02-30", "不是有效日期"),
    ("date_to=tomorrow", "不是有效日期"),
    ("date_from=2024-03-01&date_to=2024-02-01", "起始日期不能晚于截止日期"),
    ("entity=secrets", "没有「secrets」这种记录类型"),
])
def test_bad_filters_are_a_message(app, auditor, query, message):
    r = auditor.get(f"/history/?{query}")
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)


def test_paging_by_fifty(app, auditor):
    with app.app_context(), unit_of_work("王会计"):
        for i in range(55):
            f.project(f"XM{i:03d}")
    html = auditor.get("/history/?entity=project").get_data(as_text=True)
    assert len(_rows(html)) == 50 and "共 55 条,第 1 / 2 页" in html
    assert "XM054" in _rows(html)[0]
    html = auditor.get("/history/?entity=project&page=2").get_data(as_text=True)
    assert len(_rows(html)) == 5 and "XM000" in _rows(html)[-1]


def test_passwords_never_show(app, auditor, users):
    html = auditor.get("/history/?entity=app_user").get_data(as_text=True)
    assert "password" not in html and "pbkdf2" not in html and "scrypt" not in html


@pytest.mark.parametrize("role, status", [
    ("auditor", 200), ("admin", 200), ("finance", 403), ("manager", 403), ("viewer", 403),
])
def test_only_auditors_and_admins_read_the_history(app, client, users, role, status):
    login(client, users[role])
    assert client.get("/history/").status_code == status


def test_no_route_changes_the_history(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("history."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
