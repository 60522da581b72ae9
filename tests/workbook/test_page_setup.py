"""Printing the exported workbook: what a spreadsheet program sends to the printer, read
back from the file with openpyxl (the rendering itself, by LibreOffice, is measured by
hand: README "Printing")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from fundtrack.projects.service import create_project
from fundtrack.workbook.export import export_workbook
from tests.workbook.sample import build_county

AS_OF = dt.date(2024, 6, 30)
A4, A3 = 9, 8  # the printer's paper codes
COMPUTED = {"项目台账", "项目资金台账", "资金台账", "结转结余", "逾期清单", "汇总", "月报",
            "绩效自评"}
LONG_SCOPE = "新建混凝土道路" + "，路面宽4.5米、厚0.2米，配套排水边沟和错车道" * 6


@pytest.fixture
def book(ctx, tmp_path):
    build_county()
    create_project(code="XM009", name="东村至西村通村公路路面硬化及安全防护设施建设工程",
                   year=2024, township="城关镇", unit="县交通运输局",
                   total_investment=Decimal("10000.00"),
                   scope=LONG_SCOPE)
    path = tmp_path / "台账.xlsx"
    export_workbook(path, as_of=AS_OF)
    return openpyxl.load_workbook(path)


def test_every_sheet_prints_landscape_one_page_wide_headed_on_every_page(book):
    assert len(book.worksheets) == 19  # 10 data sheets, 6 computed, 绩效自评, 月报, 要件
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize in (A4, A3), ws.title
        # every column on one page wide, the rows flowing onto as many pages as needed
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        wide = 1 if setup.fitToWidth is None else setup.fitToWidth  # absent: 1 (the schema)
        assert (wide, setup.fitToHeight) == (1, 0), ws.title
        # the header row (and a computed sheet's title line) on every page
        assert ws.print_title_rows == ("$1:$2" if ws.title in COMPUTED else "$1:$1"), ws.title
        # the page header names region, sheet and date; the footer numbers the pages
        header, footer = ws.oddHeader, ws.oddFooter
        assert header.left.text == "测试县", ws.title
        assert header.center.text == ws.title
        assert header.right.text == "截至2024年06月30日", ws.title
        assert footer.center.text == "第&P页 共&N页", ws.title
        assert footer.left.text.startswith("导出时间 20"), ws.title
        # gridlines printed on the data sheets (the computed ones are ruled by borders)
        assert bool(ws.print_options.gridLines) == (ws.title not in COMPUTED), ws.title


def test_the_widest_sheet_prints_on_a3_a_narrow_one_on_a4(book):
    assert book["项目"].page_setup.paperSize == A3
    assert book["资金到位"].page_setup.paperSize == A4


def width(ws, header_row: int, header: str) -> float:
    heads = [c.value for c in ws[header_row]]
    letter = openpyxl.utils.get_column_letter(heads.index(header) + 1)
    return int(ws.column_dimensions[letter].width)  # xlsxwriter adds a fraction


def test_columns_fit_chinese_text_and_long_text_wraps_within_a_cap(book):
    projects = book["项目"]
    # a 24-character project name (48 columns) is capped and wraps; shorter ones fit
    assert 30 <= width(projects, 1, "项目名称") <= 36
    assert width(projects, 1, "建设内容") == 40
    long_scope = next(r[9] for r in projects.iter_rows(min_row=2) if r[0].value == "XM009")
    assert long_scope.value == LONG_SCOPE and long_scope.alignment.wrap_text
    # a narrow column is not padded to a fixed 16: 年度 is four wide plus a margin
    assert width(projects, 1, "年度") <= 8
    # 责任单位 as wide as its longest value (six characters, twelve columns) and a margin
    assert width(projects, 1, "责任单位") == 14
