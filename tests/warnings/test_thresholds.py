"""The warning thresholds: settings an admin changes on the settings page, each change
in the change history; a changed threshold moves the boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.settings import service
from fundtrack.warnings import all_warnings
from tests import factories as f
from tests.conftest import csrf_token, login
from tests.factories import day


def _form(client, **changes) -> dict:
    data = {service.duration_field(k): str(v) for k, v in service.DEFAULT_DURATIONS.items()}
    data.update(tender_threshold="100000.00", csrf_token=csrf_token(client, "/settings/"))
    data.update(changes)
    return data


def test_defaults(app):
    with app.app_context():
        t = service.get_warning_thresholds()
    assert (t.overdue_days, t.due_soon_days, t.completed_spending_rate, t.idle_days,
            t.start_after_allocation_days, t.settle_after_completion_days) == (
        30, 7, Decimal("0.6000"), 90, 60, 60)


def test_admin_changes_a_threshold_and_the_boundary_moves(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        f.milestone(f.project("XM001"), K.STARTED, planned="2024-03-01")

    def red(as_of):
        with app.app_context():
            return [a.project_code for a in all_warnings(day(as_of))
                    if a.rule == "milestone_overdue"]

    assert red("2024-03-31") == [] and red("2024-04-01") == ["XM001"]  # 30 / 31 days
    login(client, users["admin"])
    page = client.get("/settings/").get_data(as_text=True)
    assert "节点逾期超过(天)标红" in page and 'value="60"' in page
    r = client.post("/settings/", data=_form(client, overdue_days="5",
                                             completed_spending_rate="75.5"))
    assert r.status_code == 302
    assert red("2024-03-06") == [] and red("2024-03-07") == ["XM001"]  # 5 / 6 days
    with app.app_context():
        assert service.get_warning_thresholds().completed_spending_rate == Decimal("0.7550")
        change = db.session.scalars(select(Change).where(
            Change.entity_key == service.WARNINGS_KEY)).one()
    assert (change.action, change.actor) == ("insert", "admin")
    assert '"overdue_days": 5' in change.after["value"]
    # refused values: a message on the field, nothing saved
    for field, value, message in (("overdue_days", "-1", "应在 0 到"),
                                  ("completed_spending_rate", "120", "0% 到 100%"),
                                  ("completed_spending_rate", "六十", "不是有效的百分比")):
        r = client.post("/settings/", data=_form(client, **{field: value}))
        assert r.status_code == 200 and message in r.get_data(as_text=True), field
    with app.app_context():
        assert service.get_warning_thresholds().overdue_days == 5
    login(client, users["finance"])
    assert client.get("/settings/").status_code == 403


def test_service_refuses_nonsense(app):
    with app.app_context(), unit_of_work("测试"):
        for changes in ({"idle_days": 1.5}, {"idle_days": True}, {"nope": 1},
                        {"completed_spending_rate": Decimal("0.12345")}):
            with pytest.raises(Refused):
                service.set_warning_thresholds(changes)
        # unchanged values write no history
        service.set_warning_thresholds({"idle_days": 90})
        assert db.session.scalars(select(Change)).all() == []
