"""POST /api/v1/contracts and GET /api/v1/projects/<code>/contracts."""

from __future__ import annotations

import pytest

from fundtrack.database import unit_of_work
from tests.conftest import bearer
from tests.factories import allocate, arrive, pay, project, source


@pytest.fixture
def api_county(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "300000.00", "2024-03-01")
        p = project("XM001")
        allocate(p, src, "200000.00")
        pay("PZ1", p, src, "80000.00", "2024-03-05")
    return tokens


CONTRACT = {"contract_no": "确财采〔2024〕12号", "project_code": "XM001",
            "contractor": "某某路桥公司", "amount": "50000.00", "signed_on": "2024-03-01",
            "tender_method": "公开招标", "retention_rate": 0.03,
            "retention_due_on": "2025-03-01"}


def test_finance_posts_a_contract_and_reads_the_project_beside_it(client, api_county):
    r = client.post("/api/v1/contracts", json=CONTRACT, headers=bearer(api_county["finance"]))
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == CONTRACT
    r = client.post("/api/v1/contracts", headers=bearer(api_county["admin"]), json={
        "contract_no": "HT-2", "project_code": "XM001", "contractor": "某某监理公司",
        "amount": 1000, "retention_rate": "2.5%"})
    assert r.status_code == 201 and r.get_json()["retention_rate"] == 0.025
    assert r.get_json()["signed_on"] is None and r.get_json()["tender_method"] is None
    r = client.get("/api/v1/projects/XM001/contracts?as_of=2024-04-30",
                   headers=bearer(api_county["viewer"]))
    body = r.get_json()
    assert r.status_code == 200
    assert (body["allocated"], body["contracted"], body["spent"], body["beyond_contracts"]) == (
        "200000.00", "51000.00", "80000.00", "29000.00")
    assert [c["contract_no"] for c in body["contracts"]] == ["HT-2", "确财采〔2024〕12号"]
    r = client.get("/api/v1/projects/XM001/contracts?as_of=2024-02-29",
                   headers=bearer(api_county["viewer"]))
    assert r.get_json()["contracted"] == "1000.00"  # the undated one counts at every date


@pytest.mark.parametrize("change,status,field", [
    ({"amount": "0"}, 422, "amount"),
    ({"amount": "1.001"}, 422, "amount"),
    ({"tender_method": "私下指定"}, 422, "tender_method"),
    ({"retention_rate": 1.5}, 422, "retention_rate"),
    ({"signed_on": "2024-02-30"}, 422, "signed_on"),
    ({"project_code": "XM999"}, 422, "project_code"),
    ({"contractor": ""}, 422, "contractor"),
    ({"colour": "red"}, 422, "colour"),
])
def test_bad_contracts_are_refused_by_the_api(client, api_county, change, status, field):
    r = client.post("/api/v1/contracts", json={**CONTRACT, **change},
                    headers=bearer(api_county["finance"]))
    assert r.status_code == status, r.get_json()
    assert r.get_json()["errors"][0]["field"] == field


def test_a_duplicate_number_is_a_conflict(client, api_county):
    headers = bearer(api_county["finance"])
    assert client.post("/api/v1/contracts", json=CONTRACT, headers=headers).status_code == 201
    r = client.post("/api/v1/contracts", json=CONTRACT, headers=headers)
    assert r.status_code == 409 and r.get_json()["errors"][0]["field"] == "contract_no"


def test_only_finance_and_admin_post_contracts_and_everyone_reads(client, api_county):
    for role in ("manager", "auditor", "viewer"):
        r = client.post("/api/v1/contracts", json=CONTRACT, headers=bearer(api_county[role]))
        assert r.status_code == 403
        r = client.get("/api/v1/projects/XM001/contracts", headers=bearer(api_county[role]))
        assert r.status_code == 200
    assert client.post("/api/v1/contracts", json=CONTRACT).status_code == 401
    r = client.get("/api/v1/projects/XM999/contracts", headers=bearer(api_county["viewer"]))
    assert r.status_code == 404
    r = client.get("/api/v1/projects/XM001/contracts?as_of=x", headers=bearer(api_county["viewer"]))
    assert r.status_code == 422


def test_finance_corrects_a_contract_by_the_fields_given(app, client, api_county):
    headers = bearer(api_county["finance"])
    assert client.post("/api/v1/contracts", json=CONTRACT, headers=headers).status_code == 201
    url = "/api/v1/contracts/确财采〔2024〕12号"
    r = client.put(url, json={"amount": "52000.00", "retention_due_on": None},
                   headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {**CONTRACT, "amount": "52000.00", "retention_due_on": None}
    body = client.get("/api/v1/projects/XM001/contracts?as_of=2024-04-30",
                      headers=headers).get_json()
    assert body["contracted"] == "52000.00" and body["beyond_contracts"] == "28000.00"
    # the correction is in the change history, with who made it
    with app.app_context():
        from sqlalchemy import select

        from fundtrack.extensions import db
        from fundtrack.history.models import Change

        [line] = db.session.scalars(select(Change).where(
            Change.entity == "contract", Change.action == "update")).all()
        assert line.actor == "caizheng" and line.before["amount"] == "50000.00"


@pytest.mark.parametrize("change,status,field", [
    ({"amount": None}, 422, "amount"),
    ({"amount": "-1"}, 422, "amount"),
    ({"contractor": ""}, 422, "contractor"),
    ({"contract_no": "HT-新"}, 422, "contract_no"),
    ({"project_code": "XM999"}, 422, "project_code"),
    ({"colour": "red"}, 422, "colour"),
])
def test_a_bad_correction_is_refused_and_changes_nothing(client, api_county, change, status,
                                                        field):
    headers = bearer(api_county["finance"])
    client.post("/api/v1/contracts", json=CONTRACT, headers=headers)
    r = client.put("/api/v1/contracts/确财采〔2024〕12号", json=change, headers=headers)
    assert r.status_code == status, r.get_json()
    assert r.get_json()["errors"][0]["field"] == field
    [kept] = client.get("/api/v1/projects/XM001/contracts",
                        headers=headers).get_json()["contracts"]
    assert kept == CONTRACT


def test_only_finance_and_admin_correct_and_an_unknown_number_is_404(client, api_county):
    client.post("/api/v1/contracts", json=CONTRACT, headers=bearer(api_county["finance"]))
    for role in ("manager", "auditor", "viewer"):
        r = client.put("/api/v1/contracts/确财采〔2024〕12号", json={"amount": "1.00"},
                       headers=bearer(api_county[role]))
        assert r.status_code == 403, role
    r = client.put("/api/v1/contracts/HT-无此合同", json={"amount": "1.00"},
                   headers=bearer(api_county["admin"]))
    assert r.status_code == 404 and "HT-无此合同" in r.get_json()["errors"][0]["message"]
