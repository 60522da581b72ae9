"""The project page's contracts: allocated / contracted / paid side by side, the list,
and the finance clerk's forms to register and correct a contract."""

from __future__ import annotations

from sqlalchemy import select

from fundtrack.contracts.models import Contract
from fundtrack.database import unit_of_work
from fundtrack.enums import TenderMethod
from fundtrack.extensions import db
from fundtrack.projects.service import get_project
from tests.factories import contract
from tests.funds.pages import (
    county_fixture,  # noqa: F401  (the `county` fixture)
    field_errors,
    input_value,
    post_form,
    signed_in,
    text,
)


def test_the_project_page_shows_allocated_contracted_and_paid_side_by_side(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        p = get_project("XM001")
        contract("HT-001", p, "50000.00", "2024-03-01", method=TenderMethod.OPEN,
                 rate="0.03", due="2025-03-01")
        contract("HT-002", p, "20000.00", "2024-06-01", contractor="某某监理公司")
    signed_in(client, county, "viewer")
    page = text(client.get("/projects/XM001?as_of=2024-04-30"))
    # allocated 20万, contracted 5万 (HT-002 signed later), paid 8万: 3万 beyond
    assert ("安排资金 合同金额 已支出 未签合同的安排资金 超出合同的支出 "
            "200,000.00 50,000.00 80,000.00 150,000.00 30,000.00") in page
    assert ("HT-001 某某建筑公司 50,000.00 2024-03-01 公开招标 3.00% 1,500.00 2025-03-01"
            in page)
    assert "登记合同" not in page and "修改" not in page.split("合同编号")[1][:200]
    page = text(client.get("/projects/XM001?as_of=2024-06-30"))
    assert "200,000.00 70,000.00 80,000.00 130,000.00 10,000.00" in page
    html = client.get("/projects/XM001?as_of=2024-06-30").get_data(as_text=True)
    assert 'class="num over"' in html
    page = text(client.get("/projects/XM002"))
    assert "暂无合同" in page and "60,000.00 0.00 0.00 60,000.00 0.00" in page


def test_finance_registers_and_corrects_a_contract(app, client, county):
    signed_in(client, county, "finance")
    assert "登记合同" in text(client.get("/projects/XM001"))
    r = post_form(client, "/projects/XM001/contracts/new", {
        "contract_no": "确财采〔2024〕12号", "project_code": "XM001", "contractor": "某某路桥公司",
        "amount": "180,000.00", "signed_on": "2024-02-25", "tender_method": "open",
        "retention_rate": "5", "retention_due_on": "2026-02-25"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/projects/XM001#contracts")
    page = text(client.get("/projects/XM001?as_of=2024-06-30"))
    assert "已登记合同「确财采〔2024〕12号」" in page
    assert "确财采〔2024〕12号 某某路桥公司 180,000.00 2024-02-25 公开招标 5.00% 9,000.00" in page
    with app.app_context():
        cid = db.session.scalar(select(Contract.id))
    r = client.get(f"/contracts/{cid}/edit")
    assert input_value(r, "retention_rate") == "5"
    assert input_value(r, "contractor") == "某某路桥公司"
    assert '<option selected value="open">' in r.get_data(as_text=True)
    r = post_form(client, f"/contracts/{cid}/edit", {
        "contract_no": "ignored", "project_code": "XM001", "contractor": "某某路桥公司",
        "amount": "190000", "signed_on": "2024-02-25", "tender_method": "direct",
        "retention_rate": "3%", "retention_due_on": ""})
    assert r.status_code == 302
    with app.app_context():
        c = db.session.get(Contract, cid)
        assert c.contract_no == "确财采〔2024〕12号" and c.amount == 190000
        assert c.tender_method == TenderMethod.DIRECT and c.retention_due_on is None
    signed_in(client, county, "admin")
    page = text(client.get("/history/?entity=contract"))
    assert "确财采〔2024〕12号" in page and "190,000.00" in page


def test_bad_contracts_go_back_onto_the_form(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        contract("HT-001", get_project("XM001"), "1000.00")
    signed_in(client, county, "finance")
    base = {"contract_no": "HT-001", "project_code": "XM001", "contractor": "某某公司",
            "amount": "1000"}
    r = post_form(client, "/projects/XM001/contracts/new", base)
    assert r.status_code == 409 and field_errors(r, "contract_no") == ["合同编号「HT-001」已存在"]
    r = post_form(client, "/projects/XM001/contracts/new",
                  {**base, "contract_no": "HT-002", "retention_rate": "百分之三"})
    assert r.status_code == 422
    assert field_errors(r, "retention_rate") == ["「百分之三」不是有效的百分比"]
    r = post_form(client, "/projects/XM001/contracts/new",
                  {**base, "contract_no": "HT-002", "project_code": "XM999"})
    assert r.status_code == 422 and field_errors(r, "project_code") == ["项目编号「XM999」不存在"]
    r = post_form(client, "/projects/XM001/contracts/new",
                  {**base, "contract_no": "HT-002", "amount": "0", "tender_method": "x"})
    assert r.status_code == 422 and field_errors(r, "tender_method") == ["请从列表中选择"]
    with app.app_context():
        assert db.session.scalar(select(Contract.contract_no).where(
            Contract.contract_no == "HT-002")) is None


def test_only_finance_and_admin_open_the_contract_forms(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        cid = contract("HT-001", get_project("XM001"), "1000.00").id
    for role, status in (("manager", 403), ("auditor", 403), ("viewer", 403),
                         ("admin", 200), ("finance", 200)):
        signed_in(client, county, role)
        assert client.get("/projects/XM001/contracts/new").status_code == status, role
        assert client.get(f"/contracts/{cid}/edit").status_code == status, role
    assert client.get("/contracts/999999/edit").status_code == 404
    assert client.get("/projects/XM999/contracts/new").status_code == 404


def test_the_project_page_runs_as_many_statements_for_many_contracts(app, client, county,
                                                                      count_statements):
    with app.app_context(), unit_of_work("测试"):
        contract("HT-000", get_project("XM001"), "1000.00", "2024-03-01")
    signed_in(client, county, "viewer")
    path = "/projects/XM001?as_of=2024-06-30"
    one = count_statements(client, path)
    with app.app_context(), unit_of_work("测试"):
        for i in range(1, 20):
            contract(f"HT-{i:03}", get_project("XM001"), "1000.00", "2024-03-01",
                     rate="0.03", due="2025-03-01")
    assert "HT-019" in text(client.get(path))
    assert count_statements(client, path) == one
