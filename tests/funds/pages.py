"""Shared by the tests of the 资金 and 支出 pages: a small county and form helpers."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, milestone, pay, project, source


@pytest.fixture(name="county")
def county_fixture(app, users):
    """ZY01 issued 100万 (下达日期 2024-02-01), 30万 arrived on 2024-03-01, 10万 on
    2024-05-01. XM001 (tendered) allocated 20万 from ZY01 and paid 8万 (PZ1, 2024-03-05);
    XM002 (not tendered) allocated 5万 from ZY01. ZY02 (issued 50万, nothing arrived)
    funds XM002 with 1万."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00", issued_on="2024-02-01")
        arrive(zy, "300000.00", "2024-03-01")
        arrive(zy, "100000.00", "2024-05-01")
        zy2 = source("ZY02", "500000.00", year=2023, name="省级财政衔接资金")
        p1 = project("XM001", unit="县交通运输局")
        p2 = project("XM002", unit="县水利局", township="东关乡", village="西村")
        milestone(p1, K.TENDERED, done="2024-02-20")
        allocate(p1, zy, "200000.00")
        allocate(p2, zy, "50000.00")
        allocate(p2, zy2, "10000.00")
        pay("PZ1", p1, zy, "80000.00", "2024-03-05")
    return users


def signed_in(client, users, role: str):
    login(client, users[role])
    return client


def post_form(client, path: str, data: dict, *, token_from: str | None = None):
    """POST a form as a browser would: with the CSRF token of the page that carries it."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**data, "csrf_token": token})


def text(response) -> str:
    """The page's visible text, tags removed, whitespace squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def field_errors(response, field: str) -> list[str]:
    """The error messages shown in the form field ``field`` (by its id)."""
    html = response.get_data(as_text=True)
    m = re.search(r'<div class="field has-error">\s*<label for="' + field + r'".*?</div>', html,
                  re.S)
    return [unescape(e) for e in re.findall(r'<p class="error"[^>]*>(.*?)</p>', m.group(0))] \
        if m else []


def input_value(response, field: str) -> str | None:
    html = response.get_data(as_text=True)
    m = re.search(r'<input[^>]*\bid="' + field + r'"[^>]*>', html)
    if not m:
        return None
    v = re.search(r'value="([^"]*)"', m.group(0))
    return unescape(v.group(1)) if v else ""


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


__all__ = [
    "Allocation", "Disbursement", "FundArrival", "FundSource", "count", "county_fixture",
    "field_errors", "input_value", "post_form", "signed_in", "text",
]
