"""The JSON API of CONTRACT.md, as a script of a city-level system would use it."""

from __future__ import annotations

import re

import pytest

from fundtrack.clock import today
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.funds.service import get_source
from fundtrack.ledger import project_ledger
from tests.conftest import bearer, csrf_token, login
from tests.factories import allocate, arrive, day, milestone, pay, project, source


@pytest.fixture
def county(app, tokens):
    """Two projects: XM001 of 县交通运输局 (the manager's unit), XM002 of 县水利局."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "300000.00", "2024-03-01")
        p1 = project("XM001", unit="县交通运输局")
        p2 = project("XM002", unit="县水利局", township="东关乡")
        allocate(p1, zy, "200000.00")
        allocate(p2, zy, "50000.00")
        pay("PZ1", p1, zy, "80000.00", "2024-03-05")
        milestone(p1, K.STARTED, planned="2024-04-01")
        milestone(p2, K.STARTED, planned="2024-04-10")
    return tokens


def test_ledger_reply_has_region_date_rows_and_total(client, county):
    r = client.get("/api/v1/ledger/projects?as_of=2024-06-30", headers=bearer(county["viewer"]))
    assert r.status_code == 200
    body = r.get_json()
    assert body["region"] == "测试县" and body["as_of"] == "2024-06-30"
    xm1 = body["rows"][0]
    assert xm1["project_code"] == "XM001"
    assert xm1["allocated"] == "200000.00" and xm1["spent"] == "80000.00"
    assert xm1["spending_rate"] == 0.4
    assert body["rows"][1]["spending_rate"] == 0.0
    assert body["total"]["spent"] == "80000.00" and body["total"]["project_code"] == "合计"
    assert "page" not in body


def test_ledger_json_agrees_with_the_ledger_module(app, client, county):
    body = client.get("/api/v1/ledger/projects?as_of=2024-06-30",
                      headers=bearer(county["auditor"])).get_json()
    with app.app_context():
        report = project_ledger(day("2024-06-30"))
    assert [r["spent"] for r in body["rows"]] == [str(r["spent"]) for r in report.rows]
    assert [r["max_days_overdue"] for r in body["rows"]] == [
        r["max_days_overdue"] for r in report.rows]


def test_ledger_filters_and_paging(client, county):
    h = bearer(county["viewer"])
    body = client.get("/api/v1/ledger/projects?township=东关乡", headers=h).get_json()
    assert [r["project_code"] for r in body["rows"]] == ["XM002"]
    body = client.get("/api/v1/ledger/overdue?as_of=2024-05-01&page=1&per_page=1",
                      headers=h).get_json()
    assert (body["count"], body["page"], body["per_page"]) == (2, 1, 1)
    assert body["rows"][0]["days_overdue"] == 30 and "total" not in body
    summary = client.get("/api/v1/ledger/summary", headers=h).get_json()
    assert {r["group"] for r in summary["rows"]} == {"township", "unit"}


@pytest.mark.parametrize("query, field", [
    ("as_of=2024-13-01", "as_of"), ("year=abc", "year"), ("page=0", "page"),
    ("per_page=100000", "per_page"), ("priority=maybe", "priority"),
])
def test_bad_ledger_query_is_422_in_the_error_shape(client, county, query, field):
    r = client.get(f"/api/v1/ledger/funds?{query}", headers=bearer(county["viewer"]))
    assert r.status_code == 422
    assert r.get_json()["errors"][0]["field"] == field


def test_not_signed_in_is_401(client, county):
    r = client.get("/api/v1/ledger/funds")
    assert r.status_code == 401 and r.get_json()["errors"][0]["message"]
    r = client.get("/api/v1/ledger/funds", headers=bearer("not-a-token"))
    assert r.status_code == 401


PAYMENT = {"voucher_no": "PZ2", "project_code": "XM001", "source_code": "ZY01",
           "paid_on": "2024-03-10", "amount": "20000.50", "kind": "进度款",
           "payee": "县路桥公司", "memo": "第二期进度款"}


def test_finance_posts_a_payment(app, client, county):
    r = client.post("/api/v1/disbursements", json=PAYMENT, headers=bearer(county["finance"]))
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == {**PAYMENT, "reverses": None, "payee_account": None,
                            "budget_subject": None}
    body = client.get("/api/v1/ledger/projects?as_of=2024-06-30",
                      headers=bearer(county["finance"])).get_json()
    assert body["rows"][0]["spent"] == "100000.50"


def test_a_payment_carries_its_account_and_budget_subject(app, client, county):
    """收款账号 (text: the leading zero and all 19 digits kept) and 预算科目, as the
    treasury lists them; too long an account is refused on its field."""
    sent = {**PAYMENT, "payee_account": "０６２２８４８０１２３４５６７８９０１",
            "budget_subject": " 2130505 生产发展 "}
    too_long = {**sent, "voucher_no": "PZ3", "payee_account": "6" * 51}
    r = client.post("/api/v1/disbursements", json=too_long, headers=bearer(county["finance"]))
    assert r.status_code == 422
    assert r.get_json()["errors"][0]["field"] == "payee_account"
    r = client.post("/api/v1/disbursements", json=sent, headers=bearer(county["finance"]))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["payee_account"] == "0622848012345678901"
    assert body["budget_subject"] == "2130505 生产发展"


def test_a_payment_before_its_allocation_is_409(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        late = project("XM003")
        allocate(late, get_source("ZY01"), "50000.00", "2024-09-16")
    h = bearer(county["finance"])
    r = client.post("/api/v1/disbursements", headers=h, json={
        **PAYMENT, "project_code": "XM003", "amount": "50000.00"})
    assert r.status_code == 409
    assert r.get_json()["errors"] == [{"field": "amount", "message": (
        "超出安排资金:项目「XM003」在资金来源「ZY01」截至 2024-03-10 及其后可用的安排资金为 "
        "0.00 元,本次支付 50,000.00 元")}]
    r = client.post("/api/v1/disbursements", headers=h, json={
        **PAYMENT, "project_code": "XM003", "amount": "50000.00", "paid_on": "2024-09-16"})
    assert r.status_code == 201


def test_overspend_is_409_with_its_reason_and_nothing_written(client, county):
    h = bearer(county["finance"])
    r = client.post("/api/v1/disbursements", json={**PAYMENT, "amount": "120000.01"}, headers=h)
    assert r.status_code == 409
    err = r.get_json()["errors"][0]
    assert err["field"] == "amount" and "超出安排资金" in err["message"]
    r = client.post("/api/v1/disbursements", json={**PAYMENT, "voucher_no": "PZ1"}, headers=h)
    assert r.status_code == 409 and "已存在" in r.get_json()["errors"][0]["message"]
    body = client.get("/api/v1/ledger/projects", headers=h).get_json()
    assert body["rows"][0]["spent"] == "80000.00"


def test_reversal_through_the_api(client, county):
    h = bearer(county["finance"])
    r = client.post("/api/v1/disbursements", headers=h, json={
        "voucher_no": "CX1", "project_code": "XM001", "source_code": "ZY01",
        "paid_on": "2024-03-06", "amount": "-80000.00", "kind": "冲销", "reverses": "PZ1",
        "memo": "凭证重复录入,红字冲回"})
    assert r.status_code == 201 and r.get_json()["reverses"] == "PZ1"
    r = client.post("/api/v1/disbursements", headers=h, json={
        "voucher_no": "CX2", "project_code": "XM001", "source_code": "ZY01",
        "paid_on": "2024-03-06", "amount": "-0.01", "kind": "冲销", "reverses": "PZ1",
        "memo": "再冲"})
    assert r.status_code == 409 and "已全部冲销" in r.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("change, field", [
    ({"amount": "1.234"}, "amount"), ({"amount": None}, "amount"), ({"amount": True}, "amount"),
    ({"paid_on": "2024/13/01"}, "paid_on"), ({"kind": "工资"}, "kind"),
    ({"voucher_no": ""}, "voucher_no"), ({"project_code": "NOPE"}, "project_code"),
    ({"source_code": "NOPE"}, "source_code"), ({"kind": "冲销", "amount": "-1.00"}, "reverses"),
    ({"colour": "red"}, "colour"), ({"voucher_no": ["x"]}, "voucher_no"),
])
def test_invalid_payment_is_422(client, county, change, field):
    r = client.post("/api/v1/disbursements", json={**PAYMENT, **change},
                    headers=bearer(county["finance"]))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"][0]["field"] == field


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"null", b'{"amount": 1e999}'])
def test_malformed_bodies_never_answer_500(client, county, body):
    r = client.post("/api/v1/disbursements", data=body, content_type="application/json",
                    headers=bearer(county["finance"]))
    assert r.status_code == 422
    assert "errors" in r.get_json()


@pytest.mark.parametrize("role", ["viewer", "auditor", "manager"])
def test_only_finance_and_admin_may_post_payments_whatever_they_send(client, county, role):
    for body in (PAYMENT, {"garbage": 1}):
        r = client.post("/api/v1/disbursements", json=body, headers=bearer(county[role]))
        assert r.status_code == 403 and r.get_json()["errors"][0]["message"]


def test_manager_sets_own_units_milestone(client, county):
    h = bearer(county["manager"])
    url = "/api/v1/projects/XM001/milestones/开工"
    r = client.put(url, json={"done_on": "2024-04-03", "note": "已进场施工"}, headers=h)
    assert r.status_code == 200
    assert r.get_json() == {"project_code": "XM001", "milestone": "开工",
                            "planned_on": "2024-04-01", "done_on": "2024-04-03",
                            "note": "已进场施工"}
    # only the keys given change; null clears
    r = client.put(url, json={"planned_on": None}, headers=h)
    assert r.get_json()["planned_on"] is None and r.get_json()["done_on"] == "2024-04-03"
    overdue = client.get("/api/v1/ledger/overdue?as_of=2024-06-30", headers=h).get_json()
    assert [row["project_code"] for row in overdue["rows"]] == ["XM002"]


def test_an_actual_date_after_today_is_422(app, client, county):
    with app.app_context():
        now = today()
    h = bearer(county["manager"])
    url = "/api/v1/projects/XM001/milestones/报账"
    r = client.put(url, json={"done_on": "2099-01-01"}, headers=h)
    assert r.status_code == 422
    assert r.get_json()["errors"] == [{"field": "done_on", "message": (
        f"「报账」的实际日期 2099-01-01 晚于今天 {now.isoformat()}:尚未发生的不能登记为已完成")}]
    r = client.put(url, json={"planned_on": "2099-01-01"}, headers=h)  # a plan may
    assert r.status_code == 200 and r.get_json()["done_on"] is None


def test_manager_refused_on_another_units_project(client, county):
    r = client.put("/api/v1/projects/XM002/milestones/开工", json={"done_on": "2024-04-03"},
                   headers=bearer(county["manager"]))
    assert r.status_code == 403
    r = client.put("/api/v1/projects/XM002/milestones/开工", json="garbage",
                   headers=bearer(county["manager"]))
    assert r.status_code == 403
    r = client.put("/api/v1/projects/XM002/milestones/开工", json={"done_on": "2024-04-03"},
                   headers=bearer(county["admin"]))
    assert r.status_code == 200


def test_milestone_errors(client, county):
    h = bearer(county["admin"])
    assert client.put("/api/v1/projects/NOPE/milestones/开工", json={},
                      headers=h).status_code == 404
    assert client.put("/api/v1/projects/XM001/milestones/吃饭", json={},
                      headers=h).status_code == 404
    r = client.put("/api/v1/projects/XM001/milestones/开工", json={"done_on": "昨天"}, headers=h)
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "done_on"
    client.put("/api/v1/projects/XM001/milestones/完工", json={"done_on": "2024-05-01"},
               headers=h)
    r = client.put("/api/v1/projects/XM001/milestones/开工", json={"done_on": "2024-05-02"},
                   headers=h)
    assert r.status_code == 409 and "后续节点「完工」" in r.get_json()["errors"][0]["message"]


def test_browser_session_writing_to_the_api_needs_a_csrf_token(app, client, county):
    assert login(client, "caizheng").status_code == 302
    r = client.post("/api/v1/disbursements", json=PAYMENT)
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "csrf_token"
    token = csrf_token(client, "/login")
    r = client.post("/api/v1/disbursements", json=PAYMENT, headers={"X-CSRFToken": token})
    assert r.status_code == 201


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)  # <path:v> is {v}
            assert path in spec["paths"], path
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in spec["paths"][path], (path, method)


def test_export_download_opens_with_the_screen_figures(client, county, tmp_path):
    import openpyxl

    r = client.get("/api/v1/export.xlsx?as_of=2024-06-30", headers=bearer(county["viewer"]))
    assert r.status_code == 200
    path = tmp_path / "book.xlsx"
    path.write_bytes(r.data)
    book = openpyxl.load_workbook(path, read_only=True)
    ws = book["项目台账"]
    values = [row for row in ws.iter_rows(values_only=True) if row and row[0] == "XM001"]
    book.close()  # read_only keeps the file open until closed
    assert values and float(values[0][7]) == 80000.0  # 已支出


def test_no_route_answers_500_on_unknown_paths(client, county):
    r = client.get("/api/v1/nothing-here", headers=bearer(county["viewer"]))
    assert r.status_code == 404 and r.get_json()["errors"]
    r = client.delete("/api/v1/disbursements", headers=bearer(county["finance"]))
    assert r.status_code == 405 and r.get_json()["errors"]


def test_export_of_a_selection_keeps_only_that_selection(client, county, tmp_path):
    import openpyxl

    r = client.get("/api/v1/export.xlsx?as_of=2024-06-30&township=东关乡",
                   headers=bearer(county["auditor"]))
    assert r.status_code == 200
    path = tmp_path / "book.xlsx"
    path.write_bytes(r.data)
    book = openpyxl.load_workbook(path, read_only=True)
    projects = [row[0] for row in book["项目"].iter_rows(min_row=2, values_only=True)]
    assert projects == ["XM002"]
    title = book["项目台账"]["A1"].value
    assert "东关乡" in title and "截至2024年06月30日" in title
    ledger = [row for row in book["项目台账"].iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in ledger] == ["XM002", "合计"]
    # the channel funding it, and only the rows joining kept ones
    assert [row[0] for row in book["资金来源"].iter_rows(min_row=2, values_only=True)] == ["ZY01"]
    assert [row[0] for row in book["资金安排"].iter_rows(min_row=2, values_only=True)] == ["XM002"]
    assert list(book["支出明细"].iter_rows(min_row=2, values_only=True)) == []
    book.close()
