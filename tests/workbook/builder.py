"""Test workbooks, written with openpyxl the way a user's spreadsheet would be.

    book = Book()
    book.add("资金来源", source_code="ZY01", name="...", ...)
    path = book.save(tmp_path / "in.xlsx")

Rows are given by English key; the header row holds the Chinese headers of
fundtrack.sheets, or whatever ``headers()`` set for a sheet (English keys, a missing
column, an extra one). Values are written as given: str, int, float, date.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from fundtrack import sheets

_BY_NAME = {s.name: s for s in sheets.DATA_SHEETS}


class Book:
    def __init__(self):
        self.rows: dict[str, list[dict]] = {}
        self.header: dict[str, list[str]] = {}
        self.extra_sheets: dict[str, list[list]] = {}

    def add(self, sheet: str, **values) -> int:
        """Add a row; its Excel row number (the header is row 1, blank rows count)."""
        self.rows.setdefault(sheet, []).append(values)
        return len(self.rows[sheet]) + 1

    def blank(self, sheet: str) -> int:
        """Add an empty row (import skips it, but it keeps its number)."""
        return self.add(sheet, **{c.key: "" for c in _BY_NAME[sheet].columns})

    def headers(self, sheet: str, headers: list[str]) -> None:
        """The header row of a sheet, as written (header text or English key per column)."""
        self.header[sheet] = headers

    def sheet(self, name: str, rows: list[list]) -> None:
        """A sheet of any name and content (an unknown or computed sheet)."""
        self.extra_sheets[name] = rows

    def save(self, path):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows in self.rows.items():
            ws = wb.create_sheet(name)
            heads = self.header.get(name) or [c.header for c in _BY_NAME[name].columns]
            ws.append(heads)
            keys = [_key(name, h) for h in heads]
            for values in rows:
                ws.append([values.get(k) if k else None for k in keys])
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        for name, rows in self.extra_sheets.items():
            ws = wb.create_sheet(name)
            for r in rows:
                ws.append(r)
        wb.save(path)
        return str(path)


def _key(sheet: str, header: str) -> str | None:
    for c in _BY_NAME[sheet].columns:
        if header in (c.header, c.key):
            return c.key
    return header  # an extra column: values given under its header text


def county() -> Book:
    """A small, sound county: two channels, two projects, payments, a reversal, a
    settlement after 验收. Every row is valid; tests break one thing at a time."""
    b = Book()
    b.add("资金来源", source_code="ZY01", name="中央财政衔接推进乡村振兴补助资金", level="中央",
          category="财政专项扶贫资金", year=2024, document_no="财农〔2024〕1号",
          amount_issued=1000000, issued_on=dt.date(2024, 1, 10))
    b.add("资金来源", source_code="SJ01", name="省级统筹整合资金", level="省级",
          category="统筹整合涉农资金", year=2024, amount_issued="500,000.00",
          issued_on="2024-02-01")
    b.add("资金到位", source_code="ZY01", arrived_on=dt.date(2024, 2, 1), amount=600000)
    b.add("资金到位", source_code="SJ01", arrived_on="2024/3/1", amount=200000.5,
          note="首批")
    b.add("项目", project_code="XM001", name="东村通村道路硬化工程", year=2024,
          category="基础设施", township="城关镇", village="东村", unit="县交通运输局",
          responsible_person="张三", phone="03961234567", total_investment=300000,
          priority="是")
    b.add("项目", project_code="XM002", name="西村安全饮水工程", year=2024,
          township="李新店镇", unit="县水利局", total_investment=80000)
    b.add("项目节点", project_code="XM001", milestone="招标完成", planned_on="2024-03-01",
          done_on="2024-03-01")
    b.add("项目节点", project_code="XM001", milestone="开工", planned_on="2024-03-15",
          done_on="2024-03-20")
    b.add("项目节点", project_code="XM002", milestone="验收", done_on="2024年5月10日")
    b.add("资金安排", project_code="XM001", source_code="ZY01", amount=250000,
          document_no="县整合〔2024〕3号", allocated_on="2024-02-15")
    b.add("资金安排", project_code="XM001", source_code="SJ01", amount=50000)
    b.add("资金安排", project_code="XM002", source_code="SJ01", amount=80000)
    b.add("支出明细", voucher_no="PZ0001", project_code="XM001", source_code="ZY01",
          paid_on="2024-03-05", amount=100000, kind="预付款", payee="某某建筑公司")
    b.add("支出明细", voucher_no="PZ0002", project_code="XM001", source_code="ZY01",
          paid_on="2024-04-01", amount=20000, kind="进度款")
    b.add("支出明细", voucher_no="PZ0003", project_code="XM001", source_code="ZY01",
          paid_on="2024-04-02", amount=-20000, kind="冲销", reverses="PZ0002",
          memo="金额录入错误,红字冲回")
    b.add("支出明细", voucher_no="PZ0004", project_code="XM002", source_code="SJ01",
          paid_on="2024-05-20", amount=60000, kind="结算款")
    return b
