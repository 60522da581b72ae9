"""The import's reader gives every cell the value pandas.read_excel (openpyxl) gives it,
on worksheets written the many ways spreadsheet programs write them."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from fundtrack.workbook.xlsx import read_sheets

NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
#: Worksheet XML as other programs write it: rows and cells without references, gaps,
#: rows out of order, rich text, formulas with and without a cached value, errors.
SHEETS = {
    "no references": '<row><c t="inlineStr"><is><t>凭证号</t></is></c><c><v>2.5</v></c></row>'
                     '<row><c><v>1</v></c><c><v>1E3</v></c></row>',
    "gaps and order": '<row r="1"><c r="B1" t="inlineStr"><is><t>h</t></is></c></row>'
                      '<row r="4"><c r="C4"><v>3</v></c></row><row r="3"><c r="A3"><v>9</v>'
                      '</c></row><row r="7"><c r="A7" t="b"><v>1</v></c><c r="B7" t="e">'
                      '<v>#N/A</v></c></row><row r="8"><c r="C8"><v>1</v></c>'
                      '<c r="A8"><v>2</v></c></row>',
    "rich text and formulas": '<row r="1"><c r="A1" t="inlineStr"><is><t>凭证号</t></is></c></row>'
                              '<row r="2"><c r="A2" t="inlineStr"><is><r><t>a</t></r><r><rPr/>'
                              '<t xml:space="preserve"> b </t></r><rPh sb="0" eb="1"><t>x</t>'
                              '</rPh></is></c><c r="B2" t="inlineStr"><is><t>p</t><r><t>q</t>'
                              '</r></is></c><c r="C2" t="inlineStr"/></row><row r="3">'
                              '<c r="A3" t="str"><f>1+1</f><v>2</v></c><c r="B3"><f>1+1</f></c>'
                              '<c r="C3" t="d"><v>2024-03-05T00:00:00</v></c><c r="D3"><v></v>'
                              '</c><c r="E3" t="inlineStr"><is><t>&amp;&lt;</t></is></c></row>',
}


def pandas_rows(path) -> dict:
    frames = pd.read_excel(path, sheet_name=None, header=0, dtype=object, engine="openpyxl",
                           keep_default_na=False, na_values=[])
    return {name: [list(r) for r in df.itertuples(index=False, name=None)]
            for name, df in frames.items()}


def our_rows(path) -> dict:
    """Our reader's rows, laid out as pandas lays them out: the missing rows empty, every
    row as wide as the widest, trailing empty rows dropped."""
    out = {}
    for sheet in read_sheets(path, wanted=lambda name: True, beyond_header=True):
        rows = []
        for number, values in sheet.rows:
            rows += [[] for _ in range(number - 2 - len(rows))]
            rows.append(values)
        width = max((len(r) for r in [sheet.header, *rows]), default=0)
        out[sheet.name] = [r + [""] * (width - len(r)) for r in rows]
    return out


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def assert_same(path):
    expected, got = pandas_rows(path), our_rows(path)
    assert list(got) == list(expected)
    for name, rows in expected.items():
        assert len(got[name]) == len(rows), name
        for want, have in zip(rows, got[name], strict=True):
            assert len(want) == len(have) and all(map(same, want, have)), (name, want, have)


@pytest.mark.parametrize("name", list(SHEETS))
def test_worksheets_written_by_other_programs(tmp_path, name):
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "支出明细"
    wb.save(plain)
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (f'<?xml version="1.0"?><worksheet {NS}><sheetData>{SHEETS[name]}'
                        "</sheetData></worksheet>").encode()
            zout.writestr(item, data)
    assert_same(path)


@pytest.mark.parametrize("options", [{"date_1904": True}, {"constant_memory": True}, {}])
def test_dates_numbers_and_strings_of_xlsxwriter(tmp_path, options):
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path, options)
    sheet = book.add_worksheet(" 资金到位 ")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["资金来源编号", "资金来源编号", "", "到位日期", "到位金额"])
    sheet.write_row(1, 0, ["0042", 42, True, dt.datetime(2024, 3, 5), 1234.5, "x"])
    sheet.write_datetime(2, 3, dt.datetime(1904, 1, 2), date)
    sheet.write_number(3, 3, 45000.25, date)
    sheet.write_row(6, 0, [None, " ", -0.0, 1e-7, 1.2345678901234567e19])
    sheet.write_formula(7, 0, "=1/0", None, "#DIV/0!")
    book.close()
    assert_same(path)


def test_a_county_workbook_written_by_export(tmp_path):
    from tests.workbook.builder import county

    assert_same(county().save(tmp_path / "county.xlsx"))
