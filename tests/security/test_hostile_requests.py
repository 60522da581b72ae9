"""Requests a hostile client sends: a bearer header that does not sign in makes a request
401, whatever session cookie comes with it (it used to skip the API's CSRF check); a JSON
body nested too deep is refused as bad input on any URL, before sign-in (it answered 500)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.conftest import bearer, login
from tests.factories import allocate, arrive, project, source
from tests.security.test_tokens import LEDGER, _issue

# --- a bearer header that does not sign in ---------------------------------------------


PAYMENT = {"voucher_no": "PZ-B1", "project_code": "XM001", "source_code": "ZY01",
           "paid_on": "2024-03-10", "amount": "1000.00", "kind": "进度款"}


@pytest.fixture
def county(app):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "300000.00", "2024-03-01")
        allocate(project("XM001"), zy, "200000.00")


@pytest.mark.parametrize("header", ["Bearer junk", "Bearer ", "bearer junk"])
def test_a_session_with_a_bearer_header_that_signs_in_nobody_is_refused(
        app, client, users, county, header):
    """A signed-in browser's cookie plus a junk bearer header: not accepted without the
    CSRF token (it was: the header skipped the CSRF check)."""
    login(client, users["finance"])
    r = client.post("/api/v1/disbursements", json=PAYMENT, headers={"Authorization": header})
    assert r.status_code in (400, 401)
    assert r.get_json()["errors"]
    r = client.get(LEDGER, headers={"Authorization": header})
    assert r.status_code == 401
    with app.app_context():
        assert db.session.scalar(select(Change).where(Change.entity == "disbursement")) is None


def test_a_valid_token_speaks_for_its_user_alone(app, client, users, county):
    """A finance user's session cookie beside a viewer's token: the request is the
    viewer's (403 for a payment), never the session's."""
    token = _issue(app, users["viewer"], "只读")
    login(client, users["finance"])
    r = client.post("/api/v1/disbursements", json=PAYMENT, headers=bearer(token))
    assert r.status_code == 403


# --- JSON nested too deep ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/disbursements", "/api/v1/projects", "/healthz",
                                  "/nowhere"])
def test_a_json_body_nested_50000_deep_is_bad_input(app, client, path):
    body = "[" * 50000 + "]" * 50000
    r = client.post(path, data=body, content_type="application/json")
    assert r.status_code == 400
    assert "JSON 嵌套层数过多" in r.get_json()["errors"][0]["message"]


def test_a_json_body_within_the_depth_limit_reaches_the_view(app, client, users):
    from fundtrack.web import MAX_JSON_DEPTH

    nested = {"project_code": "XM9"}
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = {"x": nested}
    token = _issue(app, users["finance"], "t")
    r = client.post("/api/v1/disbursements", json=nested, headers=bearer(token))
    assert r.status_code == 422 and "嵌套" not in r.get_data(as_text=True)
    r = client.post("/api/v1/disbursements", json={"x": nested}, headers=bearer(token))
    assert r.status_code == 400


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "99999999999999999999"])
def test_an_id_beyond_what_a_key_holds_is_no_such_thing(client, users, tokens, number):
    """An id too large for the database's key column is 404 like any unknown id (it was
    500: the driver could not take the number), on pages and in the API."""
    login(client, users["admin"])
    for path in (f"/rectification/{number}", f"/admin/users/{number}/password",
                 f"/attachments/{number}/file", f"/reporting/packages/{number}"):
        assert client.get(path).status_code == 404, path
    r = client.get(f"/api/v1/attachments/{number}", headers=bearer(tokens["admin"]))
    assert r.status_code == 404 and r.get_json()["errors"][0]["field"] == "id"
