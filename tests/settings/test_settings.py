"""设置: standard durations and the tendering threshold, changed by an admin only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.extensions import db
from fundtrack.funds.service import payment_warnings
from fundtrack.history.models import Change
from fundtrack.settings import service
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, pay, project, source


def form_data(client, **changes) -> dict:
    data = {service.duration_field(k): str(v) for k, v in service.DEFAULT_DURATIONS.items()}
    data.update(tender_threshold="100000.00", csrf_token=csrf_token(client, "/settings/"))
    data.update(changes)
    return data


def test_defaults_without_stored_values(app):
    with app.app_context():
        assert service.get_durations() == service.DEFAULT_DURATIONS
        assert service.get_durations()[K.COMPLETED] == 90
        assert service.tender_threshold() == Decimal("100000")


def test_admin_changes_durations_and_threshold_with_history(app, client, users):
    login(client, users["admin"])
    page = client.get("/settings/").get_data(as_text=True)
    assert "开工 → 完工(天)" in page and 'value="100000.00"' in page
    r = client.post("/settings/", data=form_data(
        client, after_completed="120", tender_threshold="500,000"))
    assert r.status_code == 302
    with app.app_context():
        assert service.get_durations()[K.COMPLETED] == 120
        assert service.get_durations()[K.DESIGNED] == 20
        assert service.tender_threshold() == Decimal("500000.00")
        changes = db.session.scalars(
            select(Change).where(Change.entity == "setting").order_by(Change.id)).all()
    assert [(c.action, c.entity_key, c.actor) for c in changes] == [
        ("insert", "milestone_durations", "admin"), ("insert", "tender_threshold", "admin")]
    assert changes[1].after["value"] == "500000.00"
    assert '"完工": 120' in changes[0].after["value"]
    # saving again unchanged writes no history; a change records before and after
    client.post("/settings/", data=form_data(client, after_completed="120",
                                             tender_threshold="500000"))
    client.post("/settings/", data=form_data(client, after_completed="120",
                                             tender_threshold="100000"))
    with app.app_context():
        last = db.session.scalars(
            select(Change).where(Change.entity == "setting").order_by(Change.id)).all()
    assert len(last) == 3
    assert (last[2].action, last[2].before["value"], last[2].after["value"]) == (
        "update", "500000.00", "100000.00")


@pytest.mark.parametrize("field, value, message", [
    ("after_completed", "-1", "应在 0 到 3650 天之间"),
    ("after_completed", "九十", "应为整数天数"),
    ("tender_threshold", "10.001", "超过两位小数"),
    ("tender_threshold", "-5", "不能为负数"),
    ("tender_threshold", "", "请填写招标限额"),
])
def test_bad_settings_are_refused_on_their_field(app, client, users, field, value, message):
    login(client, users["admin"])
    r = client.post("/settings/", data=form_data(client, **{field: value}))
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Change).where(Change.entity == "setting")) is None


@pytest.mark.parametrize("role", ["finance", "manager", "auditor", "viewer"])
def test_only_admin_may_open_or_change_settings(app, client, users, role):
    login(client, users[role])
    assert client.get("/settings/").status_code == 403
    token = csrf_token(client, "/milestones/")
    r = client.post("/settings/", data={"csrf_token": token, "tender_threshold": "1"})
    assert r.status_code == 403
    with app.app_context():
        assert service.tender_threshold() == Decimal("100000")


def test_payment_warnings_follow_the_threshold_setting(app):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        arrive(zy, "500000.00", "2024-01-01")
        p = project("XM001", total_investment="300000.00")
        allocate(p, zy, "300000.00")
        payment = pay("PZ1", p, zy, "1000.00", "2024-02-01")
        assert "超过招标限额 100,000.00 元" in payment_warnings(payment)[0]
        service.set_tender_threshold("500000")
        assert payment_warnings(payment) == []


def test_durations_drive_the_schedule_page(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        project("XM001", unit="县交通运输局")
        service.set_durations({K.COMPLETED: 30})
    login(client, users["manager"])
    html = client.get("/milestones/XM001/schedule?deadline=2025-10-31").get_data(as_text=True)
    assert 'name="started" type="date" value="2025-10-01"' in html
