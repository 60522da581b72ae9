"""Crashes the fuzzing found, each kept as a plain test."""

from __future__ import annotations

import pytest

from fundtrack.money import MoneyError, parse_money
from fundtrack.workbook.importer import import_workbook
from tests.conftest import bearer, login
from tests.workbook.builder import county


@pytest.mark.parametrize("value", [1e26, "1e+26", -1e30, 3.4e38])
def test_an_amount_too_large_to_hold_fen_is_refused_not_a_crash(value):
    """Quantizing 1e+26 to fen overflows Decimal's precision: the range is checked first."""
    with pytest.raises(MoneyError, match="超出范围"):
        parse_money(value)


def test_the_api_answers_422_to_a_huge_amount(client, tokens):
    reply = client.post("/api/v1/disbursements", headers=bearer(tokens["finance"]), json={
        "voucher_no": "PZ1", "project_code": "XM001", "source_code": "ZY01",
        "paid_on": "2024-03-01", "amount": 1e26, "kind": "进度款"})
    assert reply.status_code == 422
    assert reply.json["errors"][0]["field"] == "amount"
    assert "超出范围" in reply.json["errors"][0]["message"]


def test_the_importer_reports_a_huge_amount_cell(ctx, tmp_path):
    book = county()
    book.rows["支出明细"][0]["amount"] = 3.4e38
    report = import_workbook(book.save(tmp_path / "huge.xlsx"), actor="测试")
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("支出明细", 2, "支付金额")]
    assert "超出范围" in report.problems[0].message


def test_a_method_not_allowed_says_which_are(client, tokens):
    """schemathesis: a 405 must carry Allow (RFC 9110), under /api/ and on pages."""
    reply = client.open("/api/v1/disbursements", method="TRACE",
                        headers=bearer(tokens["finance"]))
    assert reply.status_code == 405
    assert "POST" in reply.headers["Allow"]
    assert reply.json["errors"][0]["message"]
    reply = client.delete("/healthz")
    assert reply.status_code == 405 and "GET" in reply.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/ledger/summary", "/api/v1/warnings",
                                  "/ledger/summary", "/warnings"])
def test_a_nul_character_in_a_query_is_refused_not_a_server_error(app, client, users, tokens,
                                                                    path):
    """PostgreSQL refuses NUL in text: found by schemathesis (unit=%00 gave a 500)."""
    if path.startswith("/api/"):
        r = client.get(path, query_string={"unit": "\x00"}, headers=bearer(tokens["auditor"]))
        assert r.status_code == 422
        assert r.get_json()["errors"][0]["field"] == "unit"
    else:
        login(client, users["auditor"])
        r = client.get(path, query_string={"township": "城关\x00镇"})
        assert r.status_code == 400 and "无效字符" in r.get_data(as_text=True)


def test_a_nul_character_in_a_posted_payment_is_refused(app, client, tokens):
    r = client.post("/api/v1/disbursements", headers=bearer(tokens["finance"]), json={
        "voucher_no": "PZ\x0001", "project_code": "XM001", "source_code": "ZY01",
        "paid_on": "2024-03-01", "amount": "1.00", "kind": "进度款"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "voucher_no"


def test_a_nul_character_in_a_url_is_refused(app, client, tokens):
    r = client.put("/api/v1/projects/XM%00/milestones/开工", headers=bearer(tokens["admin"]),
                   json={"note": "x"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "project_code"
