"""倒排工期: the proposal (a pure function) and the page that saves it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.extensions import db
from fundtrack.milestones.models import Milestone
from fundtrack.milestones.schedule import propose, timeline
from fundtrack.settings.service import DEFAULT_DURATIONS
from tests.conftest import csrf_token, login
from tests.factories import day, milestone, project

D = dt.date


def test_proposal_with_the_standard_durations():
    p = propose(D(2025, 10, 31), DEFAULT_DURATIONS)
    assert list(p) == list(K)  # every kind, in the fixed order
    assert p[K.COMPLETED] == D(2025, 10, 31)
    assert p[K.STARTED] == D(2025, 8, 2)  # 90 days before
    assert p[K.TENDERED] == D(2025, 7, 23)
    assert p[K.REVIEWED] == D(2025, 6, 28)
    assert p[K.DESIGNED] == D(2025, 6, 18)
    assert p[K.APPROVED] == D(2025, 5, 29)
    assert p[K.ACCEPTED] == D(2025, 11, 15)  # +15
    assert p[K.SETTLED] == D(2025, 12, 15)  # +30


def test_proposal_across_a_leap_day_and_the_year_end():
    p = propose(D(2024, 3, 1), {**DEFAULT_DURATIONS, K.COMPLETED: 1})
    assert p[K.STARTED] == D(2024, 2, 29)
    p = propose(D(2024, 12, 31), {**DEFAULT_DURATIONS, K.ACCEPTED: 1})
    assert p[K.ACCEPTED] == D(2025, 1, 1)


def test_zero_durations_put_every_milestone_on_the_deadline():
    p = propose(D(2025, 1, 1), dict.fromkeys(DEFAULT_DURATIONS, 0))
    assert set(p.values()) == {D(2025, 1, 1)}


def test_bad_durations_and_dates_out_of_the_calendar_are_refused():
    with pytest.raises(ValueError, match="缺少「项目评审」"):
        propose(D(2025, 1, 1), {k: v for k, v in DEFAULT_DURATIONS.items() if k != K.REVIEWED})
    with pytest.raises(ValueError, match="不小于 0"):
        propose(D(2025, 1, 1), {**DEFAULT_DURATIONS, K.STARTED: -1})
    with pytest.raises(ValueError, match="超出日期范围"):
        propose(D(1, 3, 1), DEFAULT_DURATIONS)
    with pytest.raises(ValueError, match="超出日期范围"):
        propose(D(9999, 12, 20), DEFAULT_DURATIONS)
    # the last ones that fit
    assert propose(D(1, 1, 1) + dt.timedelta(days=155), DEFAULT_DURATIONS)[K.APPROVED] \
        == D(1, 1, 1)
    assert propose(D(9999, 12, 31) - dt.timedelta(days=45), DEFAULT_DURATIONS)[K.SETTLED] \
        == D(9999, 12, 31)


def test_timeline_maps_dates_to_the_projects_range():
    class S:
        def __init__(self, kind, planned, done, is_done, overdue):
            self.kind, self.planned_on, self.done_on = kind, planned, done
            self.note, self.done, self.overdue = None, is_done, overdue

    t = timeline([
        S(K.APPROVED, D(2024, 1, 1), D(2024, 1, 1), True, False),
        S(K.STARTED, D(2024, 2, 1), None, False, True),
    ], D(2024, 3, 1))
    assert (t.start, t.end) == (D(2024, 1, 1), D(2024, 3, 1))  # up to the as-of date
    started = t.rows[4]
    assert started.status == "overdue" and started.days_overdue == 29
    assert (started.plan.left, started.plan.width) == (0.0, 51.67)
    assert (started.late.left, started.late.width) == (51.67, 48.33)
    assert [r.status for r in t.rows].count("pending") == 6
    assert timeline([], D(2024, 3, 1)).start is None


# --- the page -----------------------------------------------------------------------------


@pytest.fixture
def xm(app):
    with app.app_context(), unit_of_work("测试"):
        p = project("XM001", unit="县交通运输局")
        project("XM002", unit="县水利局")
        milestone(p, K.APPROVED, planned="2024-01-01", done="2024-01-02")
    return app


def planned(app, code="XM001") -> dict:
    with app.app_context():
        rows = db.session.execute(
            select(Milestone.kind, Milestone.planned_on)
            .where(Milestone.project.has(code=code))).all()
        return dict(rows)


def test_schedule_proposes_and_saves_the_planned_dates(xm, client, users):
    login(client, users["manager"])
    html = client.get("/milestones/XM001/schedule?deadline=2025-10-31").get_data(as_text=True)
    proposed = dict(re.findall(r'name="(\w+)" type="date" value="([\d-]+)"', html))
    assert proposed["started"] == "2025-08-02" and proposed["settled"] == "2025-12-15"
    assert proposed["approved"] == "2024-01-01"  # done: keeps its plan
    proposed["tendered"] = ""  # below the threshold: no tendering
    proposed["started"] = "2025-08-10"  # the manager adjusts one
    r = client.post("/milestones/XM001/schedule?deadline=2025-10-31",
                    data={**proposed, "csrf_token": csrf_token(client, "/milestones/")})
    assert r.status_code == 302
    plan = planned(xm)
    assert plan[K.STARTED] == day("2025-08-10") and plan[K.COMPLETED] == day("2025-10-31")
    assert plan[K.APPROVED] == day("2024-01-01") and K.TENDERED not in plan
    # a second visit starts from the saved 完工 plan
    html = client.get("/milestones/XM001/schedule").get_data(as_text=True)
    assert 'name="deadline" required type="date" value="2025-10-31"' in html


def test_schedule_bad_deadline_is_explained(xm, client, users):
    login(client, users["manager"])
    r = client.get("/milestones/XM001/schedule?deadline=2025-02-30")
    assert r.status_code == 200 and "不是有效日期" in r.get_data(as_text=True)
    r = client.get("/milestones/XM001/schedule?deadline=0001-01-02")
    assert "超出日期范围" in r.get_data(as_text=True)
