"""The warnings page, its JSON twin and the dashboard's count: what a user sees."""

from __future__ import annotations

import re

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.warnings import RULES, Level, counts
from tests import factories as f
from tests.conftest import bearer, login
from tests.dashboard.county import AS_OF, build_county, build_projects
from tests.factories import day


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr class=\"level-(\w+)\">", body)


def test_page_shows_each_warning_with_its_numbers_and_link(app, client, users):
    build_county(app)
    login(client, users["viewer"])
    r = client.get(f"/warnings/?as_of={AS_OF}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    with app.app_context():
        got = counts(day(AS_OF))
    # XM001 完工 planned 2024-05-01, not done: 60 days late as of 2024-06-30
    assert "计划完工日期 2024-05-01 已过,截至 2024-06-30 未完工,逾期 60 天" in html
    assert 'href="/projects/XM001"' in html
    for level in Level:
        assert f"{level.label}预警 <strong>{got[level]}</strong> 条" in html
    assert len(_rows(html)) == sum(got.values())
    # red first, then yellow, then blue
    order = _rows(html)
    assert order == sorted(order, key=["red", "yellow", "blue"].index)
    # the level filter keeps the counts of every level, the rows of one
    html = client.get(f"/warnings/?as_of={AS_OF}&level=red").get_data(as_text=True)
    assert set(_rows(html)) == {"red"} and len(_rows(html)) == got[Level.RED]
    assert f"黄色预警 <strong>{got[Level.YELLOW]}</strong> 条" in html


def test_manager_sees_their_units_warnings_by_default(app, client, users):
    build_county(app)
    login(client, users["manager"])  # 县交通运输局: XM001
    html = client.get(f"/warnings/?as_of={AS_OF}").get_data(as_text=True)
    assert "XM001" in html and "XM002" not in html
    everyone = client.get(f"/warnings/?as_of={AS_OF}&unit=").get_data(as_text=True)
    assert "XM002" in everyone


def test_bad_input_is_a_message_not_an_error(app, client, users):
    login(client, users["viewer"])
    r = client.get("/warnings/?as_of=2024-13-01")
    assert r.status_code == 400 and "不是有效日期" in r.get_data(as_text=True)
    r = client.get("/warnings/?level=purple")
    assert r.status_code == 400 and "红色" in r.get_data(as_text=True)
    r = client.get("/warnings/?sort=nonsense")
    assert r.status_code == 400


def test_api_answers_the_same_warnings(app, client, tokens):
    build_county(app)
    r = client.get(f"/api/v1/warnings?as_of={AS_OF}", headers=bearer(tokens["auditor"]))
    assert r.status_code == 200
    body = r.get_json()
    with app.app_context():
        got = counts(day(AS_OF))
    assert body["as_of"] == AS_OF and body["region"] == "测试县"
    assert body["counts"] == {lv.value: n for lv, n in got.items()}
    assert len(body["rows"]) == sum(got.values())
    late = [w for w in body["rows"] if w["rule"] == "completion_overdue"]
    assert late == [{
        "level": "红色", "rule": "completion_overdue", "rule_label": "超期未完工",
        "project_code": "XM001", "project_name": "东村通村道路硬化工程XM001",
        "unit": "县交通运输局", "source_code": None, "source_name": None, "finding_id": None,
        "reason": "计划完工日期 2024-05-01 已过,截至 2024-06-30 未完工,逾期 60 天",
        "days": 60, "amount": None, "link": "/projects/XM001"}]
    paged = client.get(f"/api/v1/warnings?as_of={AS_OF}&page=1&per_page=1&level=red",
                       headers=bearer(tokens["viewer"])).get_json()
    assert (paged["count"], len(paged["rows"])) == (got[Level.RED], 1)
    bad = client.get("/api/v1/warnings?level=purple", headers=bearer(tokens["viewer"]))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "level"
    assert client.get("/api/v1/warnings").status_code == 401
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/warnings" in spec["paths"]
    assert set(spec["components"]["schemas"]["warning"]["required"]) == set(late[0])


def test_dashboard_shows_the_counts_and_links_to_the_page(app, client, users):
    build_county(app)
    with app.app_context():
        got = counts(day(AS_OF), LedgerFilter())
    login(client, users["viewer"])
    page = client.get(f"/?as_of={AS_OF}").get_data(as_text=True)
    # the block is counted after the page is shown: the page names where it comes from
    place = re.search(r'data-load="([^"]+)"', page)
    assert place and "正在计算" in page
    html = client.get(place.group(1).replace("&amp;", "&")).get_data(as_text=True)
    for level in Level:
        assert f'<span class="badge level-{level.value}">{level.label[0]} {got[level]}</span>' \
            in html
    assert f'href="/warnings/?as_of={AS_OF}&amp;unit="' in html




def test_statement_count_does_not_grow_with_projects(app, client, users, count_statements):
    login(client, users["auditor"])
    path = "/warnings/?as_of=2024-06-30"
    build_projects(app, 5, "A")
    few = count_statements(client, path)
    build_projects(app, 45, "B")
    with app.app_context(), unit_of_work("测试"):
        p = f.project("XMZ")
        f.milestone(p, K.COMPLETED, planned="2024-07-01")
    many = count_statements(client, path)
    html = client.get(path).get_data(as_text=True)
    with app.app_context():
        got = counts(day("2024-06-30"))
    # 50 开工 overdue (red), two idle channels and 50 progress payments without their
    # 发票 (要件不全) (yellow), XMZ due soon (blue), and each of the 51 projects in 实施
    # has no performance target (blue)
    assert got == {Level.RED: 50, Level.YELLOW: 52, Level.BLUE: 1 + 51}
    assert len(_rows(html)) == 50 and "共 154 条,第 1 / 4 页" in html
    # the user, the data's version, the filter choices, the four settings, then one
    # statement per rule; the next reader (nothing written since) gets them kept
    assert few == many == 1 + 1 + 1 + 4 + len(RULES)
    assert count_statements(client, path) == 2


def test_the_dashboards_block_refuses_a_bad_date(app, client, users):
    login(client, users["viewer"])
    r = client.get("/warnings/counts?as_of=2024-02-30")
    assert r.status_code == 400 and "不是有效日期" in r.get_data(as_text=True)
