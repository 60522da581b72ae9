"""The optional 合同 sheet on import: its rows through the contract service, every bad
cell reported by sheet, row and column, nothing written when anything is refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fundtrack.contracts.models import Contract
from fundtrack.extensions import db
from fundtrack.workbook.importer import import_workbook
from tests.factories import D
from tests.workbook.builder import Book

GOOD = {"contract_no": "HT-001", "project_code": "XM001", "contractor": "某某建筑公司",
        "amount": "480000.00", "signed_on": "2024-03-05", "tender_method": "公开招标",
        "retention_rate": "3%", "retention_due_on": "2025年3月5日"}


def _book(*contracts) -> Book:
    book = Book()
    book.add("项目", project_code="XM001", name="东村道路", year=2024, township="城关镇",
             unit="县交通运输局", total_investment="500000.00")
    for c in contracts:
        book.add("合同", **c)
    return book


def test_contracts_import_with_every_spelling_of_their_cells(ctx, tmp_path):
    rows = [
        GOOD,
        {**GOOD, "contract_no": "HT-002", "retention_rate": 0.05, "signed_on": dt.date(2024, 4, 1),
         "tender_method": "直接委托", "retention_due_on": None},
        {"contract_no": "HT-003", "project_code": "XM001", "contractor": "某某监理公司",
         "amount": 12000},
    ]
    report = import_workbook(_book(*rows).save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == [], [str(p) for p in report.problems]
    assert report.counts["合同"] == 3
    got = {c.contract_no: c for c in db.session.scalars(select(Contract))}
    assert got["HT-001"].retention_rate == D("0.0300")
    assert got["HT-001"].retention_due_on == dt.date(2025, 3, 5)
    assert got["HT-002"].retention_rate == D("0.0500")
    assert got["HT-002"].tender_method.label == "直接委托"
    assert got["HT-003"].signed_on is None and got["HT-003"].retention_rate is None


def test_bad_contract_rows_are_reported_and_nothing_is_written(ctx, tmp_path):
    bad = [
        {**GOOD, "contract_no": "HT-002", "amount": "0"},
        {**GOOD, "contract_no": "HT-003", "tender_method": "私下指定"},
        {**GOOD, "contract_no": "HT-004", "retention_rate": "120%"},
        {**GOOD, "contract_no": "HT-005", "project_code": "XM999"},
        {**GOOD, "contract_no": "HT-006", "signed_on": "2024-02-30"},
        {**GOOD, "contract_no": "HT-007", "contractor": None},
        GOOD,  # the same number twice
    ]
    report = import_workbook(_book(GOOD, *bad).save(tmp_path / "bad.xlsx"), actor="导入员")
    lines = sorted((p.sheet, p.row, p.column) for p in report.problems)
    assert lines == [("合同", 3, "合同金额"), ("合同", 4, "招标方式"), ("合同", 5, "质保金比例"),
                     ("合同", 6, "项目编号"), ("合同", 7, "签订日期"), ("合同", 8, "承建单位"),
                     ("合同", 9, "合同编号")], [str(p) for p in report.problems]
    messages = {p.row: p.message for p in report.problems}
    assert messages[3] == "合同金额须大于零"
    assert messages[5] == "「120%」应在 0% 到 100% 之间(如 3%)"
    assert messages[9] == "合同编号「HT-001」已存在"
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 0


def test_a_workbook_without_the_contract_sheet_imports_as_before(ctx, tmp_path):
    report = import_workbook(_book().save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == [] and "合同" not in report.counts


def test_a_number_already_in_the_database_is_refused_on_import(ctx, tmp_path):
    from fundtrack.projects.service import create_project
    from tests.factories import contract

    old = create_project(code="XM000", name="旧项目", year=2023, township="城关镇",
                         unit="县交通运输局", total_investment=D("1000.00"))
    contract("ＨＴ-001", old, "500.00")  # stored as HT-001 (NFKC)
    db.session.commit()
    report = import_workbook(_book(GOOD, {**GOOD, "contract_no": "HT-002"}).save(
        tmp_path / "in.xlsx"), actor="导入员")
    assert [(p.sheet, p.row, p.column, p.message) for p in report.problems] == [
        ("合同", 2, "合同编号", "合同编号「HT-001」已存在")]
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 1
