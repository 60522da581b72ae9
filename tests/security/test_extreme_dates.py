"""Issue 14 item 4: the first and last dates there are never answer 500.

Every GET page (each route of the URL map without required arguments, plus the pages of
a small county's projects, channels, payments, findings and reports) is opened by each
role with every date argument at 0001-01-01 and at 9999-12-31, and without one, on a
county where a manager's own project has milestones planned on those two dates (as a
manager may set them: a planned date may lie anywhere). Date arithmetic that would leave
the calendar saturates or is refused with a message; nothing answers 500.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, Role
from fundtrack.ledger.reports import REPORTS
from fundtrack.rectification.models import FindingSource
from fundtrack.rectification.service import record_finding
from tests import factories as f
from tests.conftest import bearer, login

FIRST, LAST = "0001-01-01", "9999-12-31"
#: Every request argument a page reads as a date.
DATE_ARGS = ("as_of", "paid_on", "date_from", "date_to", "start", "end", "deadline")
SKIPPED = {"/logout", "/api/v1/export.xlsx"}


@pytest.fixture
def county(app, users):
    """Two projects of the manager's unit, one planned at the ends of the calendar; a
    channel with money arrived, allocated and paid; a finding due on the last day."""
    with app.app_context(), unit_of_work("测试"):
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "500000.00", "2024-03-01")
        edge = f.project("XM001", "800000.00")
        plain = f.project("XM002", "200000.00", township="南关镇")
        f.allocate(edge, src, "300000.00", "2024-03-02")
        f.allocate(plain, src, "100000.00")
        f.pay("PZ0001", edge, src, "120000.00", "2024-04-01")
        f.pay("PZ0002", plain, src, "50000.00", "2024-04-02")
        f.milestone(edge, MilestoneKind.APPROVED, planned=FIRST, done="2024-01-10")
        f.milestone(edge, MilestoneKind.DESIGNED, planned=FIRST)
        f.milestone(edge, MilestoneKind.STARTED, planned=LAST)
        f.milestone(edge, MilestoneKind.COMPLETED, planned=LAST)
        f.milestone(plain, MilestoneKind.COMPLETED, planned="2024-09-30")
        finding = record_finding(source=FindingSource.AUDIT, description="资金拨付滞后",
                                 found_on=f.day("2024-05-01"), deadline=f.day(LAST),
                                 project_code="XM001")
        finding_id = finding.id
    return {"finding": finding_id}


def _paths(app, county) -> list[str]:
    plain = [
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        and rule.rule not in SKIPPED
    ]
    with_args = [
        "/projects/XM001", "/projects/XM002", "/projects/XM001/notice",
        "/public/projects/XM001", "/milestones/XM001/edit", "/milestones/XM001/schedule",
        "/funds/ZY01", "/funds/ZY01/allocate", "/funds/payments/PZ0001/reverse",
        f"/rectification/{county['finding']}",
        *(f"/ledger/{name}" for name in REPORTS),
    ]
    return plain + with_args


def _queries() -> list[str]:
    """No date; every date argument at one end of the calendar; and once more with a
    公示 period that would run past it (``days``)."""
    ends = [{name: day for name in DATE_ARGS} for day in (FIRST, LAST)]
    return ["", *("?" + urlencode(args) for args in ends),
            "?" + urlencode({"start": LAST, "days": "10", "kind": "completion"})]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_page_answers_500_at_the_ends_of_the_calendar(app, client, users, tokens,
                                                         county, role):
    login(client, users[role])
    failures = []
    for path in _paths(app, county):
        for query in _queries():
            headers = bearer(tokens[role]) if path.startswith("/api/") else {}
            r = client.get(path + query, headers=headers)
            if r.status_code >= 500:
                failures.append((path + query, r.status_code))
    assert not failures, failures


def test_signed_out_pages_do_not_answer_500_either(app, client, county):
    for path in _paths(app, county):
        for query in _queries():
            assert client.get(path + query).status_code < 500, path + query


def test_a_manager_may_plan_at_the_ends_of_the_calendar(app, client, tokens, county):
    """Through the API, as the issue's manager did; the pages of everyone still open."""
    for day in (FIRST, LAST):
        r = client.put(f"/api/v1/projects/XM002/milestones/{MilestoneKind.ACCEPTED.label}",
                       json={"planned_on": day}, headers=bearer(tokens["manager"]))
        assert r.status_code == 200, r.get_json()
        for path in ("/wallchart/", "/projects/XM002", "/", "/warnings/", "/milestones/"):
            for query in _queries():
                assert client.get(path + query, headers=bearer(tokens["admin"])).status_code \
                    < 500, (day, path + query)


@pytest.mark.parametrize("day", [FIRST, LAST])
def test_the_workbook_downloads_at_the_ends_of_the_calendar(app, client, tokens, county,
                                                             day):
    r = client.get(f"/api/v1/export.xlsx?as_of={day}", headers=bearer(tokens["auditor"]))
    assert r.status_code == 200
    assert r.get_data()[:2] == b"PK"
