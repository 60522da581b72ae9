"""绩效自评: for a year, each project's indicators counted (met, not met, not yet
evaluated, why not), the totals per 责任单位 and a 合计, on screen and in the workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import ProjectStatus as S
from fundtrack.ledger import LedgerFilter
from fundtrack.performance import service
from fundtrack.performance.evaluation import self_evaluation, self_evaluation_stream
from fundtrack.projects.service import get_project
from fundtrack.workbook.export import export_workbook
from tests.conftest import login
from tests.factories import project

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        project("XM001", unit="县交通运输局", year=2025)  # 实施
        project("XM002", unit="县交通运输局", year=2025)
        project("XM003", unit="县水利局", year=2025)
        project("XM004", unit="县水利局", year=2025).status = S.PROPOSED  # not in the plan
        project("XM005", unit="县水利局", year=2024)  # another year
    with app.app_context(), unit_of_work("测试"):
        def add(code, name):
            return service.add_target(get_project(code), category="产出", name=name,
                                      measure="公里", target="3")
        road, width = add("XM001", "道路长度"), add("XM001", "路面宽度")
        add("XM001", "受益户满意度")  # not yet evaluated
        service.record_actual(road, actual="3.1", met="是")
        service.record_actual(width, actual="4", met="否", gap_reason="征地未完成")
        canal = add("XM003", "渠道长度")
        service.record_actual(canal, actual="2", met="否", gap_reason="资金未到位")
        add("XM004", "储备项目的指标")
        add("XM005", "上年指标")
    return users


def test_per_project_per_unit_and_total(ctx, county):
    report = self_evaluation(AS_OF, LedgerFilter(project_year=2025))
    rows = {r["project_code"]: r for r in report.projects}
    assert list(rows) == ["XM001", "XM002", "XM003"]  # by unit, no 储备, no other year
    xm1 = rows["XM001"]
    assert (xm1["targets"], xm1["met"], xm1["not_met"], xm1["pending"]) == (3, 1, 1, 1)
    assert xm1["met_rate"] == D("0.5000") and xm1["gap_reasons"] == "路面宽度:征地未完成"
    assert rows["XM002"]["targets"] == 0 and rows["XM002"]["met_rate"] is None
    units = {u["unit"]: u for u in report.units}
    assert units["县交通运输局"]["projects"] == 2 and units["县交通运输局"]["targets"] == 3
    assert units["县水利局"]["not_met"] == 1 and units["县水利局"]["met_rate"] == D("0")
    t = report.total
    assert (t["projects"], t["targets"], t["met"], t["not_met"], t["pending"]) == (3, 4, 1, 2, 1)
    assert t["met_rate"] == D("0.3333") and t["project_code"] == "合计"
    one = self_evaluation(AS_OF, LedgerFilter(project_year=2025, unit="县水利局"))
    assert [r["project_code"] for r in one.projects] == ["XM003"]


def test_the_screen_filters_by_year_and_unit_and_prints(client, county):
    login(client, county["viewer"])
    assert "绩效自评" in client.get("/projects/").get_data(as_text=True)
    r = client.get("/projects/evaluation?year=2025")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "2025年度绩效自评" in page and "data-print" in page
    assert "路面宽度:征地未完成" in page and "XM004" not in page and "XM005" not in page
    assert "按责任单位汇总" in page and "33.33%" in page
    page = client.get("/projects/evaluation?year=2025&unit=县水利局").get_data(as_text=True)
    assert "XM003" in page and "XM001" not in page
    assert client.get("/projects/evaluation?year=abc").status_code == 400


def test_the_workbook_sheet(ctx, county):
    out = io.BytesIO()
    export_workbook(out, as_of=AS_OF, year=2025)
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["绩效自评"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert "绩效自评" in rows[0][0] and rows[1][:3] == ("项目编号", "年度", "项目名称")
    body = {r[0]: r for r in rows[2:]}
    assert body["XM001"][5:9] == (3, 1, 1, 1) and body["XM001"][10] == "路面宽度:征地未完成"
    subtotals = [r for r in rows[2:] if r[0] == "小计"]
    assert [r[3] for r in subtotals] == ["县交通运输局", "县水利局"]
    assert rows[-1][0] == "合计" and rows[-1][5:9] == (4, 1, 2, 1)


@pytest.mark.parametrize("filt", [
    LedgerFilter(project_year=2025), LedgerFilter(), LedgerFilter(year=2024),
    LedgerFilter(unit="县水利局"), LedgerFilter(project_year=2025, unit="县交通运输局"),
    LedgerFilter(project_year=2030),  # no project: no row, a 合计 of zeros
], ids=repr)
def test_the_workbook_streams_the_same_rows_and_totals(ctx, county, filt):
    """The workbook's 绩效自评 is streamed (a province has a row per project): the same
    rows (the projects, then the units' 小计), in the same order, and the same 合计 as the
    screen's, counted beforehand for the export's progress."""
    whole = self_evaluation(AS_OF, filt)
    streamed = self_evaluation_stream(AS_OF, filt)
    assert (streamed.sheet, streamed.as_of, streamed.region) == (
        whole.sheet, whole.as_of, whole.region)
    assert streamed.count() == len(whole.rows)
    assert list(streamed.rows) == whole.rows
    assert streamed.total == whole.total
