"""Excel's row limit: a sheet longer than it is written in numbered parts (支出明细,
支出明细(2)…), each with its header, and import reads the parts back as one sheet. The
limit is patched small here rather than writing a million rows."""

from __future__ import annotations

import datetime as dt

from fundtrack import sheets
from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.importer import import_workbook
from tests.workbook.readback import open_book, values
from tests.workbook.sample import build_county

AS_OF = dt.date(2024, 6, 30)


def test_a_sheet_beyond_the_limit_is_written_in_parts_and_read_back_whole(
        ctx, fresh_app, tmp_path, monkeypatch):
    build_county()  # 3 channels, 4 projects, 7 allocations, 8 payments
    whole = tmp_path / "whole.xlsx"
    export_workbook(whole, as_of=AS_OF)
    monkeypatch.setattr(sheets, "EXCEL_MAX_ROWS", 4)  # a header and three rows a part
    parted = tmp_path / "parted.xlsx"
    export_workbook(parted, as_of=AS_OF)

    a, b = open_book(whole), open_book(parted)
    assert [n for n in b.sheetnames if n.startswith("支出明细")] == [
        "支出明细", "支出明细(2)", "支出明细(3)"]
    assert "资金来源(2)" not in b.sheetnames  # 3 channels + header fill one part exactly
    for name in b.sheetnames:
        if name != sheets.MONTHLY.name:  # a few rows by nature: never split
            assert b[name].max_row <= 4, name
    assert values(b[sheets.MONTHLY.name]) == values(a[sheets.MONTHLY.name])
    # every part starts with the header; together they are the whole sheet, in order
    header = values(a["支出明细"])[0]
    parts = [values(b[n]) for n in ("支出明细", "支出明细(2)", "支出明细(3)")]
    assert all(p[0] == header for p in parts)
    assert [r for p in parts for r in p[1:]] == values(a["支出明细"])[1:]
    # a computed sheet keeps its title and header in every part, its 合计 on the last
    ledger = [n for n in b.sheetnames if n.startswith("项目资金台账")]
    pairs = len(values(a["项目资金台账"])) - 3  # less title, header and 合计
    assert pairs >= 3 and len(ledger) == pairs  # one row a part, the 合计 on the last
    assert values(b[ledger[-1]])[-1][0] == sheets.TOTAL_LABEL
    assert all(values(b[n])[1] == values(a["项目资金台账"])[1] for n in ledger)

    with fresh_app.app_context():
        report = import_workbook(parted, actor="导入员")
    assert report.problems == [], [str(p) for p in report.problems]
    assert report.counts["支出明细"] == 8 and report.counts["项目节点"] == 8


def test_a_problem_in_a_part_names_that_part(ctx, fresh_app, tmp_path, monkeypatch):
    build_county()
    monkeypatch.setattr(sheets, "EXCEL_MAX_ROWS", 4)
    parted = tmp_path / "parted.xlsx"
    export_workbook(parted, as_of=AS_OF)
    import openpyxl

    book = openpyxl.load_workbook(parted)
    ws = book["支出明细(2)"]
    ws.cell(row=3, column=[c.value for c in ws[1]].index("支付日期") + 1).value = "不是日期"
    book.save(parted)
    with fresh_app.app_context():
        report = import_workbook(parted, actor="导入员", dry_run=True)
    assert [(p.sheet, p.row, p.column) for p in report.problems][:1] == [
        ("支出明细(2)", 3, "支付日期")]
