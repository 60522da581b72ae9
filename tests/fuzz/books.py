"""Hypothesis strategies for hostile workbooks, written with openpyxl: data sheets with
missing, extra, duplicated and English-keyed columns, wrong types in every cell, huge
strings, formulas, merged cells, dates as Excel serial numbers and as nonsense, empty
sheets and sheets that are not the ledger's. Some values are sound and refer to the
county in the database, so that rows also reach the services' rules."""

from __future__ import annotations

import datetime as dt

import openpyxl
from hypothesis import strategies as st

from fundtrack import sheets

CODES = ["ZY01", "SJ01", "XM001", "XM002", "PZ0001", "PZ0004", "ZY09", "XM009", "PZ9001",
         "0042"]
WORDS = ["中央", "省级", "财政专项扶贫资金", "统筹整合涉农资金", "进度款", "冲销", "结算款",
         "开工", "验收", "是", "否", "县交通运输局", "城关镇"]

#: Each cell value a spreadsheet may hold, sound or not.
cell_values = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(CODES + WORDS),
    st.text(max_size=20),
    st.text(alphabet="0123456789.,-", max_size=12),  # amounts, sound or not
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.decimals(min_value=-10**9, max_value=10**9, places=3).map(str),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 12, 31)),
    st.integers(min_value=1, max_value=80000),  # a date typed as its Excel serial
    st.sampled_from(["2024-13-45", "2024/2/30", "2024年3月", "明天", "0000-00-00",
                     "2024-03-05 08:00", "31/12/2024", "Q3", "２０２４－０３－０５"]),
    st.sampled_from(["=1+1", "=SUM(A1:A3)", "=A2", "+1", "-1-1", "@SUM(1)", "=HYPERLINK(\"x\")",
                     "=1/0", "#N/A", "#REF!"]),
    st.sampled_from(["x" * 100_000, "中" * 70_000]),  # huge strings
    st.sampled_from(["\x00", "\t", " ZY01 ", "ZY01\n", "\u200bXM001", "NaN", "None", "nan"]),
)


@st.composite
def headers(draw, sheet: sheets.Sheet) -> list:
    """A header row: the sheet's columns, some missing, some by English key, some twice,
    unknown ones added, in any order; now and then a non-text header cell."""
    out = []
    for c in sheet.columns:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing column
        out.append(c.key if draw(st.booleans()) and draw(st.booleans()) else c.header)
        if draw(st.integers(0, 19)) == 0:
            out.append(c.header)  # a duplicate header
    for _ in range(draw(st.integers(0, 2))):
        out.append(draw(st.one_of(st.sampled_from(["备注2", "合计", "", "序号"]),
                                  st.integers(0, 99), st.none())))
    return draw(st.permutations(out)) if draw(st.booleans()) else out


@st.composite
def sheet_specs(draw) -> dict:
    """One sheet: its name, header row, rows of cells and merged ranges."""
    kind = draw(st.integers(0, 9))
    if kind == 0:  # a sheet that is not the ledger's
        name = draw(st.sampled_from(["Sheet1", "项目台账", "说明", "资金来源 "]))
        head = draw(st.lists(cell_values, max_size=4))
    else:
        sheet = draw(st.sampled_from(sheets.DATA_SHEETS))
        name = sheet.name if draw(st.integers(0, 9)) else f" {sheet.name} "
        head = draw(headers(sheet))
    width = max(len(head), 1)
    rows = draw(st.lists(st.lists(cell_values, min_size=0, max_size=width + 1), max_size=4))
    empty = draw(st.integers(0, 14)) == 0  # nothing at all, not even a header
    merges = draw(st.lists(st.tuples(st.integers(1, 5), st.integers(1, width + 1),
                                     st.integers(0, 2), st.integers(0, 2)), max_size=2))
    return {"name": name, "head": head, "rows": rows, "empty": empty, "merges": merges}


books = st.lists(sheet_specs(), min_size=0, max_size=4)


def write_book(specs: list[dict], path) -> str:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used = set()
    for i, spec in enumerate(specs):
        name = spec["name"]
        if name in used:
            name = f"{name[:25]}{i}"
        used.add(name)
        ws = wb.create_sheet(name)
        if spec["empty"]:
            continue
        for c, value in enumerate(spec["head"], start=1):
            _put(ws, 1, c, value)
        for r, row in enumerate(spec["rows"], start=2):
            for c, value in enumerate(row, start=1):
                _put(ws, r, c, value)
        for row, col, down, right in spec["merges"]:
            if down or right:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + down,
                               end_column=col + right)
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    wb.save(path)
    return str(path)


def _put(ws, row: int, col: int, value) -> None:
    if isinstance(value, str):
        # openpyxl refuses control characters; a spreadsheet cannot hold them either
        value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
