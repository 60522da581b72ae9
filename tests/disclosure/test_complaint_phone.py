"""The complaint phone (监督举报电话) of the notices: a setting the admin keeps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.settings import service
from tests.conftest import login
from tests.funds.pages import field_errors, input_value
from tests.settings.test_settings import form_data


def test_admin_sets_the_complaint_phone_with_history(app, client, users):
    login(client, users["admin"])
    assert input_value(client.get("/settings/"), "complaint_phone") == ""
    r = client.post("/settings/", data=form_data(client, complaint_phone=" 0396-7654321、12345 "))
    assert r.status_code == 302
    assert input_value(client.get("/settings/"), "complaint_phone") == "0396-7654321、12345"
    with app.app_context():
        assert service.complaint_phone() == "0396-7654321、12345"
        change = db.session.scalars(select(Change).where(
            Change.entity == "setting", Change.entity_key == "complaint_phone")).one()
    assert (change.actor, change.after["value"]) == ("admin", "0396-7654321、12345")


def test_a_phone_with_letters_is_refused_on_the_form(app, client, users):
    login(client, users["admin"])
    r = client.post("/settings/", data=form_data(client, complaint_phone="请拨打 0396"))
    assert r.status_code == 200
    assert field_errors(r, "complaint_phone") == ["监督举报电话只能包含数字、“-”、括号和分隔号"]
    with app.app_context():
        assert service.complaint_phone() == ""


def test_service_rules(app):
    with app.app_context(), unit_of_work("admin"):
        assert service.set_complaint_phone("") == ""  # nothing stored, nothing recorded
        assert db.session.scalar(select(Change.id)) is None
        with pytest.raises(Refused):
            service.set_complaint_phone("1" * 51)
        with pytest.raises(Refused):
            service.set_complaint_phone("---")
        assert service.set_complaint_phone("(0396)7654321") == "(0396)7654321"
        assert service.set_complaint_phone("") == ""  # cleared again
        assert service.complaint_phone() == ""
