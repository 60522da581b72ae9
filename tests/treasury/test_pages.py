"""The 对账 screen: upload, the four groups as the command reports them, filter and
download; register a payment only the treasury holds (every rule applies, a refusal is
shown); explain a difference (in the history); the county's header names; who may."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.history.models import Change
from fundtrack.treasury.models import Explanation
from tests.conftest import csrf_token, login
from tests.treasury.county import build_ledger, treasury_rows, write_export
from tests.treasury.test_reconcile import changed_export


@pytest.fixture
def ledger(app, users):
    build_ledger(app)
    return app


def _signed_in(client, users, role):
    login(client, users[role])
    return client


def upload(client, path, name="国库支付明细.xlsx"):
    return client.post("/treasury/check", data={
        "csrf_token": csrf_token(client, "/treasury/"),
        "export": (io.BytesIO(Path(path).read_bytes()), name),
    }, content_type="multipart/form-data")


def result_url(client, path) -> str:
    r = upload(client, path)
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"]


def groups_of(html: str) -> dict[str, list[str]]:
    """The result table's rows: group → vouchers, in the page's order."""
    out: dict[str, list[str]] = {}
    for group, voucher in re.findall(r'data-group="(\w+)" data-voucher="([^"]+)"', html):
        out.setdefault(group, []).append(voucher)
    return out


def test_the_screen_reports_exactly_what_the_command_does(ledger, client, users, tmp_path,
                                                          runner):
    import json

    path = changed_export(tmp_path)
    body = json.loads(runner.invoke(args=["reconcile", path, "--json"]).output)
    finance = _signed_in(client, users, "finance")
    html = finance.get(result_url(finance, path)).get_data(as_text=True)
    assert ("一致 <strong>3</strong> 笔,仅国库有 <strong>2</strong> 笔,"
            "仅台账有 <strong>2</strong> 笔,不一致 <strong>6</strong> 笔") in html
    shown = groups_of(html)
    assert shown["only_in_treasury"] == [t["voucher_no"] for t in body["only_in_treasury"]]
    assert shown["only_in_ledger"] == [p["voucher_no"] for p in body["only_in_ledger"]]
    assert shown["differ"] == [d["voucher_no"] for d in body["differ"]]
    assert len(shown["matched"]) == body["matched"]
    assert "支付金额不一致" in html and "14,444.05" in html and "14,444.04" in html


def test_filter_by_group_and_text_and_download(ledger, client, users, tmp_path):
    finance = _signed_in(client, users, "finance")
    url = result_url(finance, changed_export(tmp_path))
    html = finance.get(url, query_string={"show": "only_in_ledger"}).get_data(as_text=True)
    assert groups_of(html) == {"only_in_ledger": ["PZ002", "PZ007"]}
    html = finance.get(url, query_string={"q": "县供电"}).get_data(as_text=True)
    assert groups_of(html) == {"only_in_treasury": ["GK901"]}
    r = finance.get(f"{url}/result.xlsx", query_string={"show": "differ"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.get_data()))["对账结果"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in rows] == ["PZ004", "PZ006", "PZ008", "PZ009", "PZ011", "PZ010A"]
    header = [c.value for c in ws[2]]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["国库支付金额"], first["台账支付金额"], first["差异项"]) == (
        14444.05, 14444.04, "支付金额")


def test_register_a_treasury_only_payment_refusal_then_success(ledger, client, users,
                                                               tmp_path):
    finance = _signed_in(client, users, "finance")
    url = result_url(finance, changed_export(tmp_path))
    form_url = f"{url}/register/12"  # GK902: 12,345.67 to 县路桥公司 on 2024-12-30
    page = finance.get(form_url)
    assert page.status_code == 200 and "GK902" in page.get_data(as_text=True)
    token = csrf_token(finance, form_url)
    # a channel not allocated to the project: refused by the payment rules, shown
    with ledger.app_context():
        from fundtrack.database import unit_of_work
        from tests import factories as f
        with unit_of_work("测试"):
            f.source("QT01", "100000")
    r = finance.post(form_url, data={"csrf_token": token, "project_code": "XM001",
                                     "source_code": "QT01", "kind": "progress"})
    assert r.status_code == 409
    assert "超出安排资金" in r.get_data(as_text=True)
    with ledger.app_context():
        assert db.session.scalar(select(Disbursement).where(
            Disbursement.voucher_no == "GK902")) is None
    r = finance.post(form_url, data={"csrf_token": token, "project_code": "XM001",
                                     "source_code": "ZY01", "kind": "progress"})
    assert r.status_code == 302, r.get_data(as_text=True)
    with ledger.app_context():
        p = db.session.scalar(select(Disbursement).where(Disbursement.voucher_no == "GK902"))
        assert (str(p.amount), p.payee, p.payee_account) == ("12345.67", "县路桥公司", "6228")
        assert p.project.code == "XM001" and p.source.code == "ZY01"
    html = finance.get(url).get_data(as_text=True)
    assert groups_of(html)["only_in_treasury"] == ["GK901"]  # GK902 now matches


def test_explain_a_difference_with_a_note_in_the_history(ledger, client, users, tmp_path):
    finance = _signed_in(client, users, "finance")
    url = result_url(finance, changed_export(tmp_path))
    token = csrf_token(finance, url)
    r = finance.post(f"{url}/explain/3", data={"csrf_token": token, "note": ""})  # PZ004
    assert r.status_code == 302
    assert "请填写差异说明" in finance.get(r.headers["Location"]).get_data(as_text=True)
    with ledger.app_context():
        assert db.session.scalar(select(func.count()).select_from(Explanation)) == 0
    r = finance.post(f"{url}/explain/3", data={"csrf_token": token,
                                               "note": "国库按含税金额入账,差一分"})
    assert r.status_code == 302
    html = finance.get(url, query_string={"show": "differ"}).get_data(as_text=True)
    assert "已说明:国库按含税金额入账,差一分" in html
    with ledger.app_context():
        change = db.session.scalar(select(Change).where(
            Change.entity == "treasury_explanation"))
        assert change.actor == users["finance"] and change.after["fields"] == "amount"
        assert change.after["note"] == "国库按含税金额入账,差一分"


def test_an_export_with_other_header_names_is_mapped_once(ledger, client, users, tmp_path):
    finance = _signed_in(client, users, "finance")
    header = ["凭证编号", "支付日期", "支付金额", "收款人", "收款账号", "预算科目", "指标文号"]
    path = write_export(tmp_path / "own.xlsx", treasury_rows(), header=header)
    r = upload(finance, path)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "缺少必填列「支付凭证号」" in html and "凭证编号" in html
    r = finance.post("/treasury/headers", data={
        "csrf_token": csrf_token(finance, "/treasury/"), "voucher_no": "凭证编号"})
    assert r.status_code == 302
    html = finance.get(result_url(finance, path)).get_data(as_text=True)
    assert "一致 <strong>11</strong> 笔" in html


def test_bad_input_is_shown_naming_row_and_column(ledger, client, users, tmp_path):
    finance = _signed_in(client, users, "finance")
    rows = treasury_rows()
    rows[1][2] = "12.345"
    r = upload(finance, write_export(tmp_path / "t.xlsx", rows))
    assert r.status_code == 422
    assert "国库支付明细 第3行 支付金额" in r.get_data(as_text=True)
    r = upload(finance, write_export(tmp_path / "t.xlsx", rows), name="旧版.xls")
    assert r.status_code == 422 and ".xlsx" in r.get_data(as_text=True)


@pytest.mark.parametrize("role, reads, writes", [
    ("admin", True, True), ("finance", True, True), ("auditor", True, False),
    ("manager", False, False), ("viewer", False, False),
])
def test_who_may_reconcile_and_who_may_act(ledger, client, users, tmp_path, role, reads,
                                            writes):
    path = write_export(tmp_path / "same.xlsx", treasury_rows())
    finance = _signed_in(client, users, "finance")
    url = result_url(finance, path)
    finance.post("/logout", data={"csrf_token": csrf_token(finance, "/")})
    login(client, users[role])
    assert client.get("/treasury/").status_code == (200 if reads else 403)
    assert client.get(url).status_code == (200 if reads else 403)
    html = client.get(url).get_data(as_text=True)
    r = client.post("/treasury/headers", data={"voucher_no": "凭证编号",
                                               "csrf_token": csrf_token(client, "/")})
    assert r.status_code == (302 if writes else 403)
    if reads:
        assert ("保存表头对应" in client.get("/treasury/").get_data(as_text=True)) == writes
        del html


def test_uploading_filtering_and_downloading_write_nothing(ledger, client, users, tmp_path):
    def counts():
        with ledger.app_context():
            return (db.session.scalar(select(func.count()).select_from(Change)),
                    db.session.scalar(select(func.count()).select_from(Disbursement)))

    before = counts()
    finance = _signed_in(client, users, "finance")
    url = result_url(finance, changed_export(tmp_path))
    assert finance.get(url, query_string={"show": "differ"}).status_code == 200
    assert finance.get(f"{url}/result.xlsx").status_code == 200
    assert finance.get(f"{url}/register/11").status_code == 200
    assert counts() == before
