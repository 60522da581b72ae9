"""The city workbook from the 上报汇总 page: one row per county, the 合计 row the exact sum
of the rows (to the fen), the counties not yet reported, one sheet per county's fund
ledger as its package carries it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from fundtrack.reporting.workbook import sheet_name
from tests.conftest import login
from tests.reporting.conftest import MONTH


def _book(client, month=MONTH):
    r = client.get(f"/reporting/rollup.xlsx?month={month}")
    assert r.status_code == 200, r.status_code
    assert "filename*=UTF-8''%E4%B8%8A%E6%8A%A5%E6%B1%87%E6%80%BB_" in r.headers[
        "Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(r.data))


def _rows(ws):
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_the_city_workbook_is_one_row_per_county_and_their_exact_sum(city, counties, users):
    run = city.test_cli_runner()
    for county in counties.values():
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0
        assert run.invoke(args=["receive", str(county.file)]).exit_code == 0
    # registered, not reported
    assert run.invoke(args=["add-region", "新蔡县", counties["确山县"].key]).exit_code == 0
    client = city.test_client()
    login(client, users["viewer"])
    page = client.get(f"/reporting/rollup?month={MONTH}").get_data(as_text=True)
    assert f"/reporting/rollup.xlsx?month={MONTH}" in page
    book = _book(client)
    assert book.sheetnames == ["上报汇总", "泌阳县", "确山县"]
    rows = _rows(book["上报汇总"])
    assert rows[0][0] == "驻马店市 上报汇总(2024-06,截至2024年06月30日)"
    assert rows[1] == ("地区", "级别", "下达金额", "已到位", "已支出", "已收回", "支出率", "项目数",
                       "已开工", "开工率", "已完工", "逾期节点", "收到时间", "状态")
    counties_rows = rows[2:4]
    assert [(r[0], r[1], r[4], r[6], r[13]) for r in counties_rows] == [
        ("泌阳县", "县", 699999.99, 1, "已接收"), ("确山县", "县", 100000.01, 0.3333, "已接收")]
    total = rows[4]
    assert total[0] == "合计" and total[6] == 0.8
    # the total is the exact sum of the rows, to the fen (money is written from Decimal)
    for col in (2, 3, 4, 5, 7, 8, 10, 11):
        assert Decimal(str(total[col])) == sum(Decimal(str(r[col])) for r in counties_rows)
    assert Decimal(str(total[4])) == Decimal("800000.00")
    assert rows[-1][0] == "尚未上报:新蔡县"
    # a county's sheet: its fund ledger as the package carries it, with its total
    ledger = _rows(book["确山县"])
    assert ledger[0][0] == "确山县(县)2024-06 上报包 · 资金台账(月结时保存)"
    assert ledger[1] == ("资金来源编号", "下达金额", "已到位", "已安排", "已支出")
    body = counties["确山县"].body["fund_ledger"]
    assert [r[0] for r in ledger[2:-1]] == [r["source_code"] for r in body["rows"]]
    assert ledger[-1][0] == "合计" and Decimal(str(ledger[-1][4])) == Decimal("100000.01")
    # cells hold values, never formulas
    assert not any(isinstance(v, str) and v.startswith("=") for ws in book.worksheets
                   for r in _rows(ws) for v in r)


def test_the_counties_not_yet_reported_are_listed(city, counties, users):
    run = city.test_cli_runner()
    for county in counties.values():
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0
    assert run.invoke(args=["receive", str(counties["确山县"].file)]).exit_code == 0
    client = city.test_client()
    login(client, users["auditor"])
    rows = _rows(_book(client)["上报汇总"])
    assert [r[0] for r in rows[2:4]] == ["确山县", "合计"]
    assert rows[-1][0] == "尚未上报:泌阳县"


def test_sheet_names_are_what_excel_allows():
    taken = {"上报汇总"}
    assert sheet_name("确山县", taken) == "确山县"
    assert sheet_name("确山县", taken) == "确山县(2)"
    assert sheet_name("a/b[c]:d*e?f\\g", taken) == "a-b-c--d-e-f-g"
    long = "县" * 40
    assert sheet_name(long, taken) == "县" * 31
    assert sheet_name(long, taken) == "县" * 28 + "(2)"


def test_a_provinces_workbook_shows_each_citys_regions(city, counties, tmp_path,
                                                       county_template):
    """Upward again: the city's roll-up received by a province; the province's workbook
    has the city's sheet listing its counties, the 合计 the city's summary."""
    from tests.reporting.conftest import County

    run = city.test_cli_runner()
    for county in counties.values():
        run.invoke(args=["add-region", county.name, county.key])
        assert run.invoke(args=["receive", str(county.file)]).exit_code == 0
    city.instance_path = str(tmp_path / "city-data")
    city_key = run.invoke(args=["keygen"]).output.strip().splitlines()[-1]
    out = tmp_path / "city.json"
    assert run.invoke(args=["package", "--month", MONTH, str(out)]).exit_code == 0
    province = County(tmp_path / "province", county_template, "河南省")
    try:
        province.app.config.update(FUNDTRACK_COLLECTS=True, FUNDTRACK_LEVEL="省")
        assert province.cli("add-region", "驻马店市", city_key).exit_code == 0
        assert province.cli("receive", str(out)).exit_code == 0
        path = tmp_path / "province.xlsx"
        with province.app.test_request_context():
            from fundtrack.reporting.workbook import write_city_workbook

            write_city_workbook(str(path), MONTH)
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == ["上报汇总", "驻马店市"]
        assert _rows(book["上报汇总"])[2][:2] == ("驻马店市", "市")
        sheet = _rows(book["驻马店市"])
        assert sheet[0][0] == "驻马店市(市)2024-06 上报包 · 下级地区"
        assert [r[0] for r in sheet[2:]] == ["泌阳县", "确山县", "合计"]
        assert Decimal(str(sheet[-1][3])) == Decimal("800000.00")
    finally:
        province.dispose()
