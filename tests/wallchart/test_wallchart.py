"""作战图: a row per project on one date axis, planned and actual bars per milestone,
overdue in red, grouped by township or unit, filtered and paged like 项目库, and a fixed
number of statements whatever the number of rows.

The county is tests/dashboard/county.py as of 2024-06-30: XM001 (城关镇, 县交通运输局)
开工 planned and done 03-01, 完工 planned 05-01 not done (overdue 60 days); XM002
(李新店镇, 县水利局) 开工 planned 04-01 not done (overdue 90 days); XM003 (城关镇, 县水利局)
开工 planned 04-01 done 04-02 (late), 完工 planned 05-30 done 05-20.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.dashboard.county import build_county, build_projects

URL = "/wallchart/?as_of=2024-06-30"


@pytest.fixture
def viewer(app, client, users):
    login(client, users["viewer"])
    return client


def rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="wc-row[^"]*" data-project="([^"]+)">(.*?)</tr>', html,
                           re.S))


def bars(row: str) -> list[tuple[str, str, float, float]]:
    """(classes, milestone, left %, width %) of every bar of a row."""
    return [(c, k, float(left), float(width)) for c, k, left, width in re.findall(
        r'<span class="wc-bar ([^"]+)" data-kind="([^"]+)" style="left: ([\d.]+)%; '
        r'width: ([\d.]+)%"', row)]


def test_bars_on_one_axis_with_overdue_in_red(app, viewer):
    build_county(app)
    html = viewer.get(URL).get_data(as_text=True)
    # the axis runs from the earliest date (03-01) to the as-of date (06-30): 121 days
    assert '<span class="wc-tick wc-tick-start">2024-03-01</span>' in html
    assert '<span class="wc-tick wc-tick-end">2024-06-30</span>' in html
    assert html.count('<span class="wc-today" style="left: 100.0%"') == 3
    got = rows(html)
    assert list(got) == ["XM001", "XM003", "XM002"]  # 城关镇 first, then 李新店镇
    assert bars(got["XM001"]) == [
        ("wc-plan", "开工", 0.0, 0.0),
        ("wc-actual", "开工", 0.0, 0.0),
        ("wc-plan wc-overdue", "完工", 0.0, 50.41),  # 03-01 → 05-01: 61 of 121 days
        ("wc-late wc-overdue", "完工", 50.41, 49.59),  # 05-01 → 06-30
    ]
    assert bars(got["XM003"]) == [
        ("wc-plan", "开工", 25.62, 0.0),
        ("wc-actual wc-actual-late", "开工", 26.45, 0.0),
        ("wc-plan", "完工", 25.62, 48.76),
        ("wc-actual", "完工", 26.45, 39.67),
    ]
    assert "逾期 90 天" in got["XM002"] and "wc-overdue" in got["XM002"]
    assert "wc-overdue" not in got["XM003"]
    assert '<th colspan="4" scope="rowgroup">乡镇:城关镇(2 个项目)</th>' in html


def test_grouped_by_unit_and_filtered(app, viewer):
    build_county(app)
    html = viewer.get(URL + "&group=unit").get_data(as_text=True)
    assert list(rows(html)) == ["XM001", "XM002", "XM003"]
    assert "责任单位:县水利局(2 个项目)" in html
    html = viewer.get(URL + "&township=李新店镇&group=unit").get_data(as_text=True)
    assert list(rows(html)) == ["XM002"]
    html = viewer.get(URL + "&overdue=1").get_data(as_text=True)
    assert list(rows(html)) == ["XM001", "XM002"]
    r = viewer.get("/wallchart/?as_of=2024-02-30")
    assert r.status_code == 400 and "不是有效日期" in r.get_data(as_text=True)


def test_a_group_counts_its_projects_on_every_page(app, viewer):
    """城关镇 has 2 projects: on a page showing one of them it still says 2 (issue 13:
    "城关镇(15) on page 1, (12) on page 2")."""
    build_county(app)
    first = viewer.get(URL + "&per_page=1").get_data(as_text=True)
    assert list(rows(first)) == ["XM001"]
    assert "乡镇:城关镇(2 个项目,本页 1 个)" in first
    second = viewer.get(URL + "&per_page=1&page=2").get_data(as_text=True)
    assert list(rows(second)) == ["XM003"] and "乡镇:城关镇(2 个项目,本页 1 个)" in second
    # the count is of the selection: filtered to 县水利局, 城关镇 holds one
    html = viewer.get(URL + "&unit=县水利局").get_data(as_text=True)
    assert "乡镇:城关镇(1 个项目)" in html


def test_a_county_without_milestones(app, viewer):
    html = viewer.get(URL).get_data(as_text=True)
    assert "没有符合条件的项目" in html


def test_print_stylesheet_is_a3_landscape_without_navigation(app, viewer):
    r = viewer.get("/static/css/wallchart.css")
    css = r.get_data(as_text=True)
    r.close()
    printing = css[css.index("@media print"):]
    assert "@page { size: A3 landscape" in printing
    assert ".site-header, .filters" in printing and "display: none" in printing
    assert "wallchart.css" in viewer.get(URL).get_data(as_text=True)




def test_statement_count_does_not_grow_with_rows(app, viewer, count_statements):
    """The page runs as many statements for 5 projects as for 50 (one for milestones)."""
    build_projects(app, 5, "A")
    few = count_statements(viewer, URL)
    build_projects(app, 45, "B")
    many = count_statements(viewer, URL)
    assert len(rows(viewer.get(URL).get_data(as_text=True))) == 50
    assert few == many
    # and paging keeps the page at 50 rows
    build_projects(app, 3, "C")
    assert len(rows(viewer.get(URL + "&page=2").get_data(as_text=True))) == 3
