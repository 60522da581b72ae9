"""Recoveries (资金收回): invariants 2 and 3 count them, at every date, one by one and
within the importer's kept sums; the API, the 资金收回 sheet and the change history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.enums import RecoveryDestination
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds.balances import cash_available
from fundtrack.funds.models import Recovery
from fundtrack.history.models import Change
from fundtrack.importsession import import_session
from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.importer import import_workbook
from tests.conftest import bearer
from tests.factories import D, allocate, arrive, day, pay, project, recover, source
from tests.workbook.builder import Book
from tests.workbook.readback import open_book, values

#: The rules run alone and inside an import session (tests/conftest.py).
pytestmark = pytest.mark.both_sides


@pytest.fixture
def channel(ctx):
    """Issued 100万; 30万 arrived on 2024-03-01 and 20万 on 2024-06-01; 50万 allocated,
    10万 paid on 2024-03-05."""
    src = source("ZY01", "1000000.00")
    arrive(src, "300000.00", "2024-03-01")
    arrive(src, "200000.00", "2024-06-01")
    prj = project("XM001")
    allocate(prj, src, "500000.00")
    pay("PZ1", prj, src, "100000.00", "2024-03-05")
    db.session.flush()
    return prj, src


def test_a_recovery_within_room_and_cash_is_recorded_with_its_history(channel):
    _, src = channel
    r = recover(src, "150000.00", "2024-06-10", RecoveryDestination.POOLED, "县财〔2024〕9号")
    assert r.id and r.destination.label == "收回统筹"
    change = db.session.scalar(select(Change).where(Change.entity == "recovery"))
    assert change.after["amount"] == "150000.00" and change.actor == "测试员"
    assert cash_available(src, day("2024-06-10")) == D("250000.00")


def test_recovery_beyond_room_is_refused_issued_less_allocated_and_recovered(channel):
    _, src = channel
    recover(src, "300000.00", "2024-06-10")  # room: 100万 − 50万 = 50万
    with pytest.raises(Refused) as e:
        recover(src, "200000.01", "2024-06-11")
    assert e.value.conflict and e.value.field == "amount"
    assert "超出可收回额度" in e.value.message and "可收回 200,000.00 元" in e.value.message
    # and money recovered can no longer be allocated (invariant 3 on an allocation)
    with pytest.raises(Refused) as e:
        allocate(project("XM002"), src, "200000.01")
    assert "另已收回 300,000.00 元" in e.value.message


def test_recovery_beyond_cash_at_its_date_is_refused(channel):
    _, src = channel
    with pytest.raises(Refused) as e:  # before the second arrival: 30万 − 10万
        recover(src, "200000.01", "2024-05-31")
    assert "超出到位资金" in e.value.message and "200,000.00 元" in e.value.message
    recover(src, "200000.00", "2024-05-31")


def test_a_backdated_recovery_is_checked_at_every_later_date(channel):
    prj, src = channel
    pay("PZ2", prj, src, "380000.00", "2024-06-05")  # cash after: 2万 from 6-05 on
    # on 2024-04-01 the cash is 20万, but a recovery then would overdraw 6-05
    with pytest.raises(Refused) as e:
        recover(src, "20000.01", "2024-04-01")
    assert "截至 2024-04-01 及其后可用的到位资金为 20,000.00 元" in e.value.message
    recover(src, "20000.00", "2024-04-01")
    with pytest.raises(Refused):  # and a payment after it sees it
        pay("PZ3", prj, src, "0.01", "2024-06-06")


def test_bad_recoveries_are_refused(channel):
    _, src = channel
    with pytest.raises(Refused) as e:
        recover(src, "0", "2024-06-10")
    assert e.value.message == "收回金额须大于零" and not e.value.conflict
    with pytest.raises(Refused) as e:
        recover(src, "-5", "2024-06-10")
    assert e.value.field == "amount"
    assert db.session.scalar(select(func.count()).select_from(Recovery)) == 0


def test_the_importers_kept_cash_counts_recoveries(channel):
    """Within an import session the cash read once is kept current by a recovery: a
    payment after it in the same transaction sees it."""
    prj, src = channel
    with import_session():
        assert cash_available(src, day("2024-06-10")) == D("400000.00")  # loaded
        recover(src, "250000.00", "2024-06-10")
        assert cash_available(src, day("2024-06-10")) == D("150000.00")
        with pytest.raises(Refused) as e:
            pay("PZ9", prj, src, "150000.01", "2024-06-11")
        assert "超出到位资金" in e.value.message
        with pytest.raises(Refused) as e:  # the recovered total is kept too
            recover(src, "250000.01", "2024-06-12")
        assert "超出可收回额度" in e.value.message


# --- the workbook ----------------------------------------------------------------------


def _book(*recoveries) -> Book:
    book = Book()
    book.add("资金来源", source_code="ZY01", name="中央衔接资金", level="中央",
             category="财政专项扶贫资金", year=2023, amount_issued="500000.00")
    book.add("资金到位", source_code="ZY01", arrived_on="2023-03-01", amount="400000.00")
    for r in recoveries:
        book.add("资金收回", **r)
    return book


def test_the_recovery_sheet_imports_exports_and_refuses_by_row(ctx, tmp_path):
    ok = {"source_code": "ZY01", "recovered_on": "2025-03-02", "amount": "300000.00",
          "destination": "上缴上级", "document_no": "县财〔2025〕3号", "reason": "结存两年以上"}
    bad = [
        {**ok, "amount": "100000.01", "recovered_on": "2025-03-03"},  # beyond the cash
        {**ok, "destination": "挪用"},
        {**ok, "source_code": "ZY99"},
    ]
    report = import_workbook(_book(ok, *bad).save(tmp_path / "bad.xlsx"), actor="导入员")
    lines = sorted((p.sheet, p.row, p.column) for p in report.problems)
    assert lines == [("资金收回", 3, "收回金额"), ("资金收回", 4, "去向"),
                     ("资金收回", 5, "资金来源编号")], [str(p) for p in report.problems]
    assert "超出到位资金" in next(p.message for p in report.problems if p.row == 3)
    assert db.session.scalar(select(func.count()).select_from(Recovery)) == 0  # nothing

    report = import_workbook(_book(ok).save(tmp_path / "ok.xlsx"), actor="导入员")
    assert report.problems == [] and report.counts["资金收回"] == 1
    out = tmp_path / "out.xlsx"
    export_workbook(out, as_of=day("2025-06-30"))
    rows = values(open_book(out)["资金收回"])
    assert rows[0] == ("资金来源编号", "收回日期", "收回金额", "去向", "文号", "原因")
    assert rows[1][0] == "ZY01" and rows[1][2] == 300000 and rows[1][3] == "上缴上级"


def test_a_workbook_without_the_recovery_sheet_imports_as_before(ctx, tmp_path):
    report = import_workbook(_book().save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == [] and report.counts["资金到位"] == 1


# --- the API ---------------------------------------------------------------------------


@pytest.fixture
def api_channel(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "300000.00", "2024-03-01")
        allocate(project("XM001"), src, "500000.00")
    return tokens


RECOVERY = {"source_code": "ZY01", "recovered_on": "2024-06-10", "amount": "100000.00",
            "destination": "收回统筹", "document_no": "县财〔2024〕9号", "reason": "结存"}


def test_finance_posts_a_recovery(client, api_channel):
    r = client.post("/api/v1/recoveries", json=RECOVERY, headers=bearer(api_channel["finance"]))
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == RECOVERY


@pytest.mark.parametrize("change,status,field", [
    ({"amount": "300000.01"}, 409, "amount"),  # beyond the cash
    ({"amount": "0"}, 422, "amount"),
    ({"amount": "1.001"}, 422, "amount"),
    ({"destination": "挪用"}, 422, "destination"),
    ({"recovered_on": "2024-02-30"}, 422, "recovered_on"),
    ({"source_code": "ZY99"}, 422, "source_code"),
    ({"colour": "red"}, 422, "colour"),
])
def test_bad_recoveries_are_refused_by_the_api(client, api_channel, change, status, field):
    r = client.post("/api/v1/recoveries", json={**RECOVERY, **change},
                    headers=bearer(api_channel["finance"]))
    assert r.status_code == status, r.get_json()
    assert r.get_json()["errors"][0]["field"] == field


def test_only_finance_and_admin_post_recoveries(client, api_channel):
    for role in ("manager", "auditor", "viewer"):
        r = client.post("/api/v1/recoveries", json=RECOVERY, headers=bearer(api_channel[role]))
        assert r.status_code == 403
    r = client.post("/api/v1/recoveries", json=RECOVERY, headers=bearer(api_channel["admin"]))
    assert r.status_code == 201
