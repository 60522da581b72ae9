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


def test_public_address_setting_leads_the_qr_codes(app, client, users):
    from tests.disclosure.qr import decode_svg
    from tests.factories import project

    with app.app_context(), unit_of_work("测试"):
        project("XM001")
    login(client, users["admin"])
    r = client.post("/settings/", data=form_data(client, public_url="gs.example.gov.cn"))
    assert field_errors(r, "public_url")[0].startswith("公示网址应以 http:// 或 https:// 开头")
    r = client.post("/settings/", data=form_data(client, public_url="https://gs.example.gov.cn/"))
    assert r.status_code == 302
    assert input_value(client.get("/settings/"), "public_url") == "https://gs.example.gov.cn"
    html = client.get("/projects/XM001/notice").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert decode_svg(svg) == "https://gs.example.gov.cn/public/projects/XM001"
    assert "https://gs.example.gov.cn/public/projects/XM001" in html
    # cleared: the address of the request again
    client.post("/settings/", data=form_data(client, public_url=""))
    html = client.get("/projects/XM001/notice").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert decode_svg(svg) == "http://localhost/public/projects/XM001"
    with app.app_context():
        changes = db.session.scalars(select(Change.after).where(
            Change.entity_key == "public_url").order_by(Change.id)).all()
    assert [c["value"] for c in changes] == ["https://gs.example.gov.cn", ""]
