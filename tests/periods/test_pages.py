"""The 月结 page: everyone signed in reads it; finance closes a month in two steps; the
API refuses a payment dated in a closed month with 409."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.periods.models import PeriodClose
from tests.conftest import bearer, csrf_token, login
from tests.factories import allocate, arrive, pay, project, source


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2025-09-10")
        prj = project("XM001")
        allocate(prj, src, "300000.00", "2025-09-12")
        pay("PZ0001", prj, src, "123456.78", "2025-09-30")
    return users


def _closes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PeriodClose))


def test_finance_sees_the_figures_then_confirms_the_close(app, client, county):
    login(client, county["finance"])
    token = csrf_token(client, "/periods/")
    r = client.post("/periods/close", data={"month": "2025-09", "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "确认月结 2025-09" in html and "123,456.78" in html
    assert _closes(app) == 0  # the first step writes nothing
    r = client.post("/periods/close", data={"month": "2025-09", "confirmed": "1",
                                            "csrf_token": token}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "已月结 2025-09" in html
    assert "已结账至 2025-09-30" in html and "一致" in html and "不一致" not in html
    assert _closes(app) == 1
    with app.app_context():
        assert db.session.scalar(select(Change.actor).where(Change.entity == "period_close")) \
            == county["finance"]


def test_a_refused_month_is_shown_next_to_the_field(app, client, county):
    login(client, county["admin"])
    token = csrf_token(client, "/periods/")
    r = client.post("/periods/close", data={"month": "2025-9x", "csrf_token": token})
    assert r.status_code == 422 and "YYYY-MM" in r.get_data(as_text=True)
    client.post("/periods/close", data={"month": "2025-08", "confirmed": "1",
                                        "csrf_token": token})
    r = client.post("/periods/close", data={"month": "2025-10", "confirmed": "1",
                                            "csrf_token": token})
    assert r.status_code == 409 and "下一个应月结的月份是 2025-09" in r.get_data(as_text=True)
    assert _closes(app) == 1


@pytest.mark.parametrize("role", ["viewer", "auditor", "manager"])
def test_others_read_the_page_but_cannot_close(app, client, county, role):
    login(client, county[role])
    r = client.get("/periods/")
    assert r.status_code == 200 and "月结记录" in r.get_data(as_text=True)
    assert "办理月结" not in r.get_data(as_text=True)
    token = csrf_token(client, "/periods/")
    r = client.post("/periods/close", data={"month": "2025-09", "confirmed": "1",
                                            "csrf_token": token})
    assert r.status_code == 403 and _closes(app) == 0


def test_the_api_refuses_a_payment_in_a_closed_month_with_409(app, client, county, tokens):
    with app.app_context(), unit_of_work("测试"):
        from fundtrack.periods.service import close_month

        close_month("2025-09")
    payment = {"voucher_no": "PZ0002", "project_code": "XM001", "source_code": "ZY01",
               "paid_on": "2025-09-30", "amount": "1.00", "kind": "进度款"}
    r = client.post("/api/v1/disbursements", json=payment, headers=bearer(tokens["finance"]))
    assert r.status_code == 409
    err = r.get_json()["errors"][0]
    assert err["field"] == "paid_on" and "已月结" in err["message"]
    r = client.post("/api/v1/disbursements", json={**payment, "paid_on": "2025-10-01"},
                    headers=bearer(tokens["finance"]))
    assert r.status_code == 201


def test_the_importer_refuses_rows_dated_in_a_closed_month(app, county, tmp_path):
    from fundtrack.periods.service import close_month
    from fundtrack.workbook.importer import import_workbook
    from tests.workbook.builder import Book

    with app.app_context(), unit_of_work("测试"):
        close_month("2025-09")
    book = Book()
    book.add("资金到位", source_code="ZY01", arrived_on="2025-09-15", amount="100.00")
    book.add("资金到位", source_code="ZY01", arrived_on="2025-10-15", amount="100.00")
    with app.app_context():
        report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="测试", dry_run=True)
    assert not report.ok
    assert [(p.sheet, p.row) for p in report.problems] == [("资金到位", 2)]
    assert "已月结" in report.problems[0].message


def test_the_month_to_close_is_chosen_not_typed(app, client, county):
    """月结's month is the browser's month chooser (the one macro every month field uses),
    prefilled with the month to close next."""
    login(client, county["finance"])
    html = client.get("/periods/").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="month"[^>]*>', html).group(0)
    assert 'type="month"' in field and 'pattern="[0-9]{4}-[0-9]{2}"' in field
    assert re.search(r'value="\d{4}-\d{2}"', field)
