"""A wrapped row of the export is made as tall as its lines (``set_row``), and the
worksheet forgets that height once the row is on disk: xlsxwriter would otherwise keep
every such row's properties until the workbook closes, a few megabytes a county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl

from fundtrack.projects.service import create_project
from fundtrack.workbook import export as export_module
from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.styles import LINE_HEIGHT
from tests.workbook.sample import build_county

AS_OF = dt.date(2024, 6, 30)
LONG_SCOPE = "新建混凝土道路" + ",路面宽4.5米、厚0.2米,配套排水边沟和错车道" * 6


def test_wrapped_rows_are_tall_and_forgotten_once_written(ctx, tmp_path, monkeypatch):
    build_county()
    for i in range(5):
        create_project(code=f"XM1{i:02d}", name=f"通村公路路面硬化工程{i}", year=2024,
                       township="城关镇", unit="县交通运输局",
                       total_investment=Decimal("10000.00"), scope=LONG_SCOPE * (i + 1))
    worksheets = []
    begin = export_module._begin

    def kept(*args, **kwargs):
        ws = begin(*args, **kwargs)
        worksheets.append(ws)
        return ws

    monkeypatch.setattr(export_module, "_begin", kept)
    path = tmp_path / "台账.xlsx"
    export_workbook(path, as_of=AS_OF)

    # nothing of any row is left in memory once the workbook is written
    assert len(worksheets) == 19
    assert all(not ws.row_info and not ws.row_sizes for ws in worksheets)
    # yet every wrapped row is as tall as its lines: longer scope, taller row
    projects = openpyxl.load_workbook(path)["项目"]
    heights = {}
    for row in projects.iter_rows(min_row=2):
        if row[0].value.startswith("XM1"):
            heights[row[0].value] = projects.row_dimensions[row[0].row].height
    assert list(heights) == [f"XM1{i:02d}" for i in range(5)]
    values = list(heights.values())
    assert all(h is not None and h >= 2 * LINE_HEIGHT for h in values)
    assert values == sorted(values) and values[0] < values[-1]
