"""An amount's comma is a thousands separator or a mistake (issue 14, item 13): "1,0" was
read as 10.00. Full-width digits, as a Chinese input method types them, are digits."""

from __future__ import annotations

import pytest

from fundtrack.money import MoneyError, parse_money
from tests.conftest import bearer


@pytest.mark.parametrize("text", ["1,0", "1,00", "12,34.5", "1,000,00", ",100", "1,,000"])
def test_a_stray_comma_in_an_amount_is_refused(text):
    with pytest.raises(MoneyError, match="千位分隔符"):
        parse_money(text)


@pytest.mark.parametrize("text, amount", [
    ("1,000", "1000.00"), ("12,345.67", "12345.67"), ("１２，３４５．６７", "12345.67"),
    ("１０", "10.00"), ("-1,234,567.5", "-1234567.50"), ("2,000元", "2000.00")])
def test_full_width_digits_and_thousands_separators_are_read(text, amount):
    assert str(parse_money(text)) == amount


def test_the_api_refuses_1_comma_0(app, client, tokens):
    reply = client.post("/api/v1/disbursements", headers=bearer(tokens["finance"]), json={
        "voucher_no": "PZ9", "project_code": "XM001", "source_code": "ZY01",
        "paid_on": "2024-03-10", "amount": "1,0", "kind": "进度款"})
    assert reply.status_code == 422 and reply.get_json()["errors"][0]["field"] == "amount"
