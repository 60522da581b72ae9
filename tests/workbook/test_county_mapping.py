"""The county-layout import's pure part: finding the header, proposing the mapping,
converting rows (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from fundtrack.enums import Level, MilestoneKind
from fundtrack.workbook.cells import CellError
from fundtrack.workbook.mapping.convert import convert, read_amount, read_county_date
from fundtrack.workbook.mapping.fields import ColumnMap, Mapping
from fundtrack.workbook.mapping.grid import read_grid, sheet_names
from fundtrack.workbook.mapping.header import find_header
from fundtrack.workbook.mapping.propose import Channel, propose
from tests.workbook import county_books as books

CHANNELS = [Channel("ZY2024", "中央衔接资金", Level.CENTRAL, 2024),
            Channel("SJ2024", "省级衔接资金", Level.PROVINCIAL, 2024),
            Channel("XJ2024", "县级衔接资金", Level.COUNTY, 2024)]


def _read(book, tmp_path):
    ledger = book(tmp_path / f"{book.__name__}.xlsx")
    grid = read_grid(ledger.path, ledger.sheet)
    return ledger, grid, find_header(grid)


def test_title_rows_and_two_row_merged_header(tmp_path):
    ledger, grid, header = _read(books.queshan, tmp_path)
    assert header.rows == (3, 4)
    assert (header.unit, header.as_of, header.year) == ("万元", dt.date(2024, 6, 30), 2024)
    assert header.names[:7] == ["序号", "项目编号", "项目名称", "建设地点", "建设内容及规模",
                                "责任单位", "资金规模"]
    assert header.names[7:13] == ["资金来源/中央", "资金来源/省级", "资金来源/县级",
                                  "已拨付/中央", "已拨付/省级", "已拨付/县级"]


def test_one_row_header_below_title(tmp_path):
    _, _, header = _read(books.biyang, tmp_path)
    assert header.rows == (3,)
    assert (header.unit, header.as_of, header.year) == ("元", None, 2024)


def test_unit_in_header_names_and_other_sheets(tmp_path):
    ledger, _, header = _read(books.zhengyang, tmp_path)
    assert sheet_names(ledger.path) == ["衔接资金项目", "说明"]
    assert header.as_of == dt.date(2024, 9, 30) and header.unit is None
    mapping = propose(header.names, channels=CHANNELS, year=2024, unit=header.unit)
    assert mapping.columns["财政衔接资金(万元)/中央"] == ColumnMap("allocated", "ZY2024", "万元")
    assert mapping.columns["累计拨付(万元)/省级"] == ColumnMap("paid", "SJ2024", "万元")
    # a group's own sum is left out: it is the sum of the channels
    assert mapping.columns["财政衔接资金(万元)/小计"].field == ""
    assert mapping.columns["项目总投资(万元)"] == ColumnMap("total_investment", None, "万元")
    assert mapping.columns["主管部门"].field == "unit"
    assert mapping.columns["是否脱贫村"].field == "priority"


def test_proposal_for_the_countys_words(tmp_path):
    _, _, header = _read(books.queshan, tmp_path)
    mapping = propose(header.names, channels=CHANNELS, year=2024, unit=header.unit)
    fields = {name: c.field for name, c in mapping.columns.items()}
    assert fields["建设地点"] == "place"
    assert fields["建设内容及规模"] == "scope"
    assert fields["资金规模"] == "total_investment"
    assert fields["计划开工时间"] == "planned:开工"
    assert fields["实际完工时间"] == "done:完工"
    assert fields["序号"] == fields["备注"] == ""
    assert mapping.columns["已拨付/县级"] == ColumnMap("paid", "XJ2024", "万元")


def test_a_channel_of_an_unknown_level_is_left_to_the_user():
    mapping = propose(["项目名称", "资金来源/市级"], channels=CHANNELS, year=2024)
    assert mapping.columns["资金来源/市级"] == ColumnMap("allocated", None, "元")


def test_no_header():
    grid = [(1, ["某某县项目台账"]), (2, [1, 2, 3]), (3, ["a", "b"])]
    assert find_header(grid) is None


def test_convert_wan_yuan_exactly_and_skip_total_rows(tmp_path):
    ledger, grid, header = _read(books.queshan, tmp_path)
    mapping = propose(header.names, channels=CHANNELS, year=2024, unit=header.unit)
    out = convert(grid, header, mapping, sheet=ledger.sheet, year=2024)
    assert out.problems == [] and out.total_row == 5
    assert len(out.projects) == ledger.projects
    first = out.projects[0]
    assert (first.values["township"], first.values["village"]) == ("竹沟镇", "肖庄村")
    assert [(a.kind, a.source, a.amount) for a in first.amounts][:3] == [
        ("allocated", "ZY2024", D("856000.00")), ("allocated", "SJ2024", D("200000.00")),
        ("allocated", "XJ2024", D("62500.00"))]
    second = out.projects[1]
    assert second.amounts[0].amount == D("483216.00")  # 48.3216 万元
    assert first.milestones[MilestoneKind.STARTED] == {
        "planned_on": dt.date(2024, 3, 1), "done_on": dt.date(2024, 3, 12)}
    # the workbook's own 合计 equals the rows' sum
    assert out.totals == out.sums
    assert sum(out.totals[n] for n in out.totals if n.startswith("资金来源")) == ledger.allocated


def test_headings_between_projects_are_skipped(tmp_path):
    ledger, grid, header = _read(books.biyang, tmp_path)
    mapping = propose(header.names, channels=CHANNELS, year=2024, unit=header.unit)
    out = convert(grid, header, mapping, sheet=ledger.sheet, year=2024)
    assert [n for n, why in out.skipped] == [4, 7, 10]
    assert len(out.projects) == ledger.projects


@pytest.mark.parametrize("value,unit,yuan", [
    (12.3456, "万元", "123456.00"), ("1,234.5", "元", "1234.50"), (0.000001, "万元", "0.01"),
    ("85.6万元", "万元", "856000.00"), (3, "万元", "30000.00"),
])
def test_amounts_in_their_unit(value, unit, yuan):
    assert read_amount(value, unit) == D(yuan)


@pytest.mark.parametrize("value,unit,message", [
    (1.2345678, "万元", "超过两位小数"), ("约五万", "万元", "不是以万元计的金额"),
    (12.345, "元", "超过两位小数"),
])
def test_amounts_that_are_no_number_in_their_unit(value, unit, message):
    with pytest.raises(CellError, match=message):
        read_amount(value, unit)


def test_county_dates():
    assert read_county_date("2024.3.15") == dt.date(2024, 3, 15)
    assert read_county_date("2024年10月") == dt.date(2024, 10, 1)
    with pytest.raises(CellError):
        read_county_date("三月中旬")


def test_mapping_round_trips_through_json(tmp_path):
    _, _, header = _read(books.queshan, tmp_path)
    mapping = propose(header.names, channels=CHANNELS, year=2024, unit=header.unit)
    mapping.units = {"确山县交通局": "确山县交通运输局"}
    mapping.sheet = "2024年项目台账"
    assert Mapping.from_json(mapping.to_json()) == mapping
