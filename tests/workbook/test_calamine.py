"""calamine reads the sheets spreadsheet programs write as they are; only a sheet that
needs it (out of order, error cells, far cells, texts too long) is cropped first, and
either way the values are pandas' (openpyxl) values."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
import xlsxwriter

from fundtrack.workbook import xlsx
from tests.workbook.test_xlsx import assert_same


def _scans(path) -> dict[str, bool]:
    with zipfile.ZipFile(path) as archive:
        found, _ = xlsx._worksheets(archive)
        return {name: xlsx._scan(archive, part).plain for name, part in found}


def test_an_exported_county_is_read_without_cropping(tmp_path):
    from tests.workbook.builder import county

    path = county().save(tmp_path / "county.xlsx")
    assert set(_scans(path).values()) == {True}
    assert_same(path)


def _wide(path, writer: str, columns: int = 40):
    """A sheet ``columns`` wide (past Z), a date, numbers, texts with leading zeros."""
    header = [f"列{i}" for i in range(columns)]
    rows = [[f"{r:04d}" if i % 3 == 0 else (r * 1.5 if i % 3 == 1 else dt.datetime(2024, 1, r + 1))
             for i in range(columns)] for r in range(1, 20)]
    if writer == "openpyxl":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "项目"
        ws.append(header)
        for row in rows:
            ws.append(row)
        wb.save(path)
    else:
        book = xlsxwriter.Workbook(path, {"constant_memory": writer == "constant_memory"})
        ws = book.add_worksheet("项目")
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date)
                else:
                    ws.write(r, c, value)
        book.close()
    return path


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter", "constant_memory"])
def test_a_sheet_wider_than_z_is_read_as_it_is(tmp_path, writer):
    path = _wide(tmp_path / "wide.xlsx", writer)
    assert _scans(path) == {"项目": True}
    assert_same(path)


def test_a_big_box_of_few_cells_is_cropped_and_reads_the_same(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "box.xlsx")
    ws = book.add_worksheet("支出明细")
    ws.write_row(0, 0, ["凭证号", "支付金额"])
    ws.write_row(1, 0, ["PZ1", 12.5])
    ws.write(3000, 2000, "far")  # 6 million cells as a rectangle
    book.close()
    assert _scans(tmp_path / "box.xlsx") == {"支出明细": False}
    assert_same(tmp_path / "box.xlsx")
    # the import keeps only the columns under known headers: the far cell is no one's
    sheets = list(xlsx.read_sheets(tmp_path / "box.xlsx", wanted=lambda n: True,
                                   width=lambda name, header: len(header)))
    assert [(s.header, list(s.rows)) for s in sheets] == [
        (["凭证号", "支付金额"], [(2, ["PZ1", 12.5])])]
