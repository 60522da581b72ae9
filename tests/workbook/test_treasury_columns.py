"""The optional 支出明细 columns 收款账号 and 预算科目 (issue 19): read when present, kept as
text, written back by export; a workbook without them imports as before."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlalchemy import select

from fundtrack import sheets
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.workbook.export import export_workbook
from tests.workbook.builder import county
from tests.workbook.test_import import run, where


def _payment(voucher):
    return db.session.scalar(select(Disbursement).where(Disbursement.voucher_no == voucher))


def test_account_and_subject_are_imported_as_text_and_exported_back(ctx, tmp_path):
    book = county()
    first = book.rows["支出明细"][0]
    first.update(payee_account="0622848012345678901", budget_subject="2130505 生产发展")
    book.rows["支出明细"][1].update(payee_account=6228480099)  # a number cell
    report = run(book, tmp_path)
    assert report.problems == []
    db.session.rollback()
    assert _payment("PZ0001").payee_account == "0622848012345678901"
    assert _payment("PZ0001").budget_subject == "2130505 生产发展"
    assert _payment("PZ0002").payee_account == "6228480099"
    assert _payment("PZ0004").payee_account is None

    out = tmp_path / "out.xlsx"
    export_workbook(str(out), as_of=dt.date(2024, 12, 31))
    ws = openpyxl.load_workbook(out)["支出明细"]
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["收款账号", "预算科目"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["PZ0001"][-2:] == ("0622848012345678901", "2130505 生产发展")
    assert ws.cell(2, len(header) - 1).data_type == "s"  # text, never a number


def test_a_workbook_without_the_two_columns_imports_as_before(ctx, tmp_path):
    book = county()
    book.headers("支出明细", [c.header for c in sheets.DISBURSEMENTS.columns][:-2])
    report = run(book, tmp_path)
    assert report.problems == [] and report.counts["支出明细"] == 4


def test_too_long_an_account_is_refused_naming_row_and_column(ctx, tmp_path):
    book = county()
    book.rows["支出明细"][2].update(payee_account="6" * 51)
    report = run(book, tmp_path)
    assert where(report) == [("支出明细", 4, "收款账号")]
    assert "超过上限 50" in report.problems[0].message
