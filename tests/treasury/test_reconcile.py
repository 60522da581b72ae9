"""fundtrack reconcile: a treasury export built from the ledger, with rows left out,
added and changed, is reported exactly; bad input is refused naming row and column;
reconciling writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.settings.service import set_treasury_headers
from tests.treasury.county import HEADER, build_ledger, treasury_rows, write_export


@pytest.fixture
def ledger(app):
    build_ledger(app)
    return app


def run(runner, path, *args):
    return runner.invoke(args=["reconcile", str(path), *args])


def changed_export(tmp_path):
    """Left out: PZ002, PZ007. Added: GK901 (nobody's), GK902 (a payee and amount no
    ledger payment has). Changed: PZ004's amount, PZ006's payee, PZ008's date (by
    voucher), PZ009's account; PZ010's voucher typed as PZ010A (found by amount, payee
    and a date two days off); PZ011's 指标文号."""
    rows = {r[0]: r for r in treasury_rows()}
    del rows["PZ002"], rows["PZ007"]
    rows["PZ004"][2] = 14444.05  # 14444.04 in the ledger
    rows["PZ006"][3] = "西村合作社"
    rows["PZ008"][1] = dt.date(2024, 8, 30)
    rows["PZ009"][4] = "6228480099999999999"
    renamed = rows.pop("PZ010")
    renamed[0], renamed[1] = "PZ010A", renamed[1] + dt.timedelta(days=2)
    rows["PZ010A"] = renamed
    rows["PZ011"][6] = "财农〔2024〕9号"
    out = list(rows.values())
    out.append(["GK901", dt.date(2024, 7, 1), 5000, "县供电公司", None, None, None])
    out.append(["GK902", dt.date(2024, 12, 30), 12345.67, "县路桥公司", "6228", None, None])
    return write_export(tmp_path / "treasury.xlsx", out)


def test_an_export_as_the_ledger_stands_matches_every_payment(ledger, runner, tmp_path):
    path = write_export(tmp_path / "same.xlsx", treasury_rows())
    result = run(runner, path, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    # PZ003 reversed whole is left out; PZ005 is compared net of its reversal;
    # PZ000 (2023) and PZ999 (2025) lie outside the export's dates
    assert body == {"matched": 11, "only_in_treasury": [], "only_in_ledger": [],
                    "differ": []}


def test_rows_left_out_added_and_changed_are_reported_exactly(ledger, runner, tmp_path):
    result = run(runner, changed_export(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["matched"] == 3  # PZ001, PZ005 (net of its reversal) and PZ012
    assert [t["voucher_no"] for t in body["only_in_treasury"]] == ["GK901", "GK902"]
    assert body["only_in_treasury"][0] == {
        "row": 11, "voucher_no": "GK901", "paid_on": "2024-07-01", "amount": "5000.00",
        "payee": "县供电公司", "payee_account": None, "budget_subject": None,
        "document_no": None}
    assert [p["voucher_no"] for p in body["only_in_ledger"]] == ["PZ002", "PZ007"]
    assert body["only_in_ledger"][0]["project_code"] == "XM003"
    assert body["only_in_ledger"][0]["source_code"] == "SJ01"
    differ = {d["voucher_no"]: d["fields"] for d in body["differ"]}
    assert differ == {
        "PZ004": ["amount"], "PZ006": ["payee"], "PZ008": ["paid_on"],
        "PZ009": ["payee_account"], "PZ010A": ["voucher_no", "paid_on"],
        "PZ011": ["document_no"],
    }
    renamed = next(d for d in body["differ"] if d["voucher_no"] == "PZ010A")
    assert renamed["ledger_voucher_no"] == "PZ010"
    amount = next(d for d in body["differ"] if d["voucher_no"] == "PZ004")
    assert (amount["treasury"]["amount"], amount["ledger"]["amount"]) == ("14444.05",
                                                                         "14444.04")
    assert amount["explained"] is None


def test_the_text_answer_lists_each_group(ledger, runner, tmp_path):
    result = run(runner, changed_export(tmp_path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "国库支付 11 笔:一致 3 笔,仅国库有 2 笔,仅台账有 2 笔,不一致 6 笔" in out
    assert "第11行 GK901 2024-07-01 5000.00 县供电公司" in out
    assert "PZ002 XM003 SJ01 2024-02-12 12222.02 某某建筑公司" in out
    assert "PZ004:支付金额 国库 14444.05 / 台账 14444.04" in out


def test_reconciling_writes_nothing(ledger, runner, tmp_path):
    with ledger.app_context():
        before = db.session.scalar(select(func.count()).select_from(Change))
    assert run(runner, changed_export(tmp_path), "--json").exit_code == 0
    with ledger.app_context():
        assert db.session.scalar(select(func.count()).select_from(Change)) == before


def test_a_title_line_above_the_header_and_a_total_line_are_read_past(ledger, runner,
                                                                       tmp_path):
    rows = treasury_rows() + [["合计", None, 1, None, None, None, None]]
    path = write_export(tmp_path / "t.xlsx", rows, title="2024年国库集中支付明细")
    body = json.loads(run(runner, path, "--json").output)
    assert body["matched"] == 11


def test_the_countys_own_header_names_are_mapped(ledger, runner, tmp_path):
    header = ["凭证编号", "支付日期", "金额(元)", "收款人全称", "收款人账号", "预算科目",
              "指标文号"]
    path = write_export(tmp_path / "own.xlsx", treasury_rows(), header=header)
    refused = run(runner, path)
    assert refused.exit_code == 1
    assert "缺少必填列「支付凭证号」" in refused.output or "支付凭证号" in refused.output
    with ledger.app_context(), unit_of_work("测试"):
        set_treasury_headers({"voucher_no": "凭证编号", "amount": "金额(元)",
                              "payee": "收款人全称", "payee_account": "收款人账号"})
    body = json.loads(run(runner, path, "--json").output)
    assert body["matched"] == 11


# --- bad input ------------------------------------------------------------------------


def test_a_file_that_is_no_workbook_is_refused(ledger, runner, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("凭证号,金额\n")
    result = run(runner, path)
    assert result.exit_code == 1
    assert "无法读取文件「t.xlsx」:不是有效的 Excel 工作簿" in result.output
    result = run(runner, tmp_path / "missing.xlsx")
    assert result.exit_code == 1 and "文件不存在" in result.output


def test_a_missing_required_column_is_named(ledger, runner, tmp_path):
    header = [h for h in HEADER if h != "支付金额"]
    rows = [r[:2] + r[3:] for r in treasury_rows()]
    result = run(runner, write_export(tmp_path / "t.xlsx", rows, header=header))
    assert result.exit_code == 1
    assert result.output.strip() == "国库支付明细 第1行 支付金额:缺少必填列「支付金额」"


@pytest.mark.parametrize("column, value, words", [
    (1, "2024-02-30", "支付日期:「2024-02-30」不是有效日期"),
    (1, "下周", "支付日期:「下周」不是有效日期"),
    (2, "12.345", "支付金额:"),
    (2, "一万元", "支付金额:"),
    (0, None, "支付凭证号:必填,不能为空"),
    (0, "PZ001", "支付凭证号:支付凭证号「PZ001」与第2行重复"),
])
def test_a_cell_that_is_no_date_or_amount_is_refused_naming_row_and_column(
        ledger, runner, tmp_path, column, value, words):
    rows = treasury_rows()
    rows[3][column] = value  # Excel row 5
    result = run(runner, write_export(tmp_path / "t.xlsx", rows), "--json")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("国库支付明细 第5行 ")
    assert words in lines[0]
