"""计划调整 of the whole county in one list (who, when, old, new, why, the baseline),
filtered by unit and project, a page at a time: for the county, auditors and leaders."""

from __future__ import annotations

import datetime as dt

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.milestones.service import keep_baseline, set_milestone
from fundtrack.projects.service import get_project
from tests.conftest import login
from tests.factories import day, milestone, project


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        for code, unit in (("XM001", "县交通运输局"), ("XM002", "县水利局")):
            p = project(code, unit=unit)
            milestone(p, K.STARTED, planned="2024-04-01")
            milestone(p, K.COMPLETED, planned="2024-10-31")
            keep_baseline(p)
    with app.app_context(), unit_of_work("jiaotong"):
        set_milestone(get_project("XM001"), K.STARTED, planned_on=day("2024-05-01"),
                      reason="雨季推迟开工")
    with app.app_context(), unit_of_work("jiaotong"):
        set_milestone(get_project("XM001"), K.STARTED, planned_on=day("2024-05-20"),
                      reason="征地协调")
    with app.app_context(), unit_of_work("shuili"):
        set_milestone(get_project("XM002"), K.COMPLETED, planned_on=day("2024-12-31"),
                      reason="设计变更")
    return users


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in body.split("<tr>")[1:]]


def test_every_adjustment_newest_first_with_its_baseline(client, county):
    login(client, county["viewer"])
    r = client.get("/milestones/adjustments")
    assert r.status_code == 200
    rows = _rows(r.get_data(as_text=True))
    assert len(rows) == 3
    assert "设计变更" in rows[0] and "2024-10-31" in rows[0] and "2024-12-31" in rows[0]
    assert ">61<" in rows[0]  # 61 days behind its baseline
    assert "征地协调" in rows[1] and "2024-05-01" in rows[1] and "2024-05-20" in rows[1]
    assert "2024-04-01" in rows[1] and ">49<" in rows[1] and "jiaotong" in rows[1]
    assert "雨季推迟开工" in rows[2]


def test_filters_and_pages(client, county):
    login(client, county["auditor"])
    rows = _rows(client.get("/milestones/adjustments?unit=县水利局").get_data(as_text=True))
    assert len(rows) == 1 and "设计变更" in rows[0]
    rows = _rows(client.get("/milestones/adjustments?project=XM001").get_data(as_text=True))
    assert len(rows) == 2
    html = client.get("/milestones/adjustments?per_page=2&page=2").get_data(as_text=True)
    assert len(_rows(html)) == 1 and "共 3 条,第 2 / 2 页" in html


def test_the_county_sees_it_a_manager_does_not(client, county):
    login(client, county["finance"])
    assert "计划调整" in client.get("/projects/").get_data(as_text=True)
    login(client, county["manager"])
    assert client.get("/milestones/adjustments").status_code == 403
    assert 'href="/milestones/adjustments"' not in client.get("/projects/").get_data(
        as_text=True)


def test_a_date_moved_later_still_warns_against_its_baseline(ctx, county):
    """XM001's 开工: baseline 04-01, moved to 05-20. On 05-10 it is not late against the
    plan but 39 days late against its baseline (more than the 30 days of 节点逾期)."""
    from fundtrack.warnings.rules import all_warnings

    def found(as_of, rule):
        return {a.project_code: a.reason for a in all_warnings(day(as_of)) if a.rule == rule}

    assert found("2024-05-01", "baseline_overdue") == {}  # day 30 against the baseline
    reason = found("2024-05-02", "baseline_overdue")["XM001"]
    assert reason == ("「开工」基准计划 2024-04-01 完成,已调整为 2024-05-20;截至 2024-05-02 "
                      "未完成,按基准计划逾期 31 天(超过 30 天)")
    # late against the plan too: the red rule, which names the baseline's delay
    assert found("2024-06-30", "baseline_overdue") == {}
    red = found("2024-06-30", "milestone_overdue")["XM001"]
    assert red.endswith(";基准计划 2024-04-01,按基准计划逾期 90 天")


def test_the_project_page_and_the_wall_chart_show_the_delay_behind_the_baseline(client,
                                                                               county):
    """XM001's 开工 moved from 04-01 to 05-20: as of 04-15 it will be 49 days behind its
    baseline; XM002's 完工 moved from 10-31 to 12-31: 61 days."""
    login(client, county["viewer"])
    page = client.get("/projects/XM001?as_of=2024-04-15").get_data(as_text=True)
    assert "基准 2024-04-01" in page and "较基准推迟49天" in page
    chart = client.get("/wallchart/?as_of=2024-04-15").get_data(as_text=True)
    assert "较基准计划推迟 49 天" in chart and "较基准计划推迟 61 天" in chart
    # not moved: no baseline note
    page = client.get("/projects/XM002?as_of=2024-04-15").get_data(as_text=True)
    assert "基准 2024-04-01" not in page


def test_the_list_runs_as_many_statements_for_many_adjustments(client, county, app,
                                                               count_statements):
    login(client, county["finance"])
    few = count_statements(client, "/milestones/adjustments")
    with app.app_context():
        for i in range(30):
            with unit_of_work("jiaotong"):
                set_milestone(get_project("XM001"), K.COMPLETED,
                              planned_on=day("2024-11-01") + dt.timedelta(days=i),
                              reason=f"第 {i} 次调整")
    many = count_statements(client, "/milestones/adjustments")
    assert few == many, (few, many)  # none per row
    print("statements: /milestones/adjustments", many)
