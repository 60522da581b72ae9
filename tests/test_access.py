"""Who may open what: a route x role matrix derived from the app's own URL map, so a new
route without a rule fails here."""

from __future__ import annotations

import pytest

from fundtrack.enums import Role
from tests.conftest import bearer, login


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_who_may_use_it(app):
    missing = [rule.rule for rule, view in _rules(app) if not hasattr(view, "access")]
    assert not missing, f"routes without @allow/@public: {missing}"


def _plain_get_rules(app):
    return [
        (rule, view) for rule, view in _rules(app)
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ]


def test_signed_out_visitors_reach_only_public_routes(app, client):
    for rule, view in _plain_get_rules(app):
        r = client.get(rule.rule)
        if view.access == "public":
            assert r.status_code == 200, rule.rule
        elif rule.rule.startswith("/api/"):
            assert r.status_code == 401, rule.rule
        else:
            assert r.status_code == 302 and "/login" in r.headers["Location"], rule.rule


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_what_its_rule_says_on_pages(app, client, users, role):
    login(client, users[role])
    for rule, view in _plain_get_rules(app):
        if rule.rule.startswith("/api/") or rule.rule == "/logout":
            continue
        r = client.get(rule.rule)
        allowed = view.access == "public" or Role(role) in view.access
        assert r.status_code == (200 if allowed else 403), (role, rule.rule, r.status_code)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_what_its_rule_says_on_the_api(app, client, tokens, role):
    for rule, view in _plain_get_rules(app):
        if not rule.rule.startswith("/api/") or rule.rule.endswith(".xlsx"):
            continue
        r = client.get(rule.rule, headers=bearer(tokens[role]))
        allowed = view.access == "public" or Role(role) in view.access
        assert r.status_code == (200 if allowed else 403), (role, rule.rule)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_on_the_attachment_routes(app, client, users, tokens, role):
    """The routes with arguments of documents (报账要件): download (a file, a ZIP) for every
    role but viewer, the payment's page for all, attaching to a payment for finance and
    admin."""
    import io

    from fundtrack.database import unit_of_work
    from fundtrack.enums import PaymentKind
    from tests.attachments.samples import PDF, attach
    from tests.factories import allocate, arrive, pay, project, source

    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        road = project("XM001")
        arrive(zy, "1000.00", "2024-03-01")
        allocate(road, zy, "1000.00")
        pay("PZ0001", road, zy, "100.00", "2024-04-01", kind=PaymentKind.PROGRESS)
        aid = attach("disbursement:PZ0001", "发票", PDF, "发票.pdf").id
    reader = role != "viewer"
    api = client.get(f"/api/v1/attachments/{aid}", headers=bearer(tokens[role]))
    api.close()
    assert api.status_code == (200 if reader else 403)
    r = client.post("/api/v1/attachments", headers=bearer(tokens[role]), data={
        "owner": "disbursement:PZ0001", "kind": "发票", "file": (io.BytesIO(PDF), "b.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == (201 if role in ("admin", "finance") else 403)
    login(client, users[role])
    page = client.get(f"/attachments/{aid}/file")
    page.close()
    assert page.status_code == (200 if reader else 403)
    assert client.get("/attachments/payments/PZ0001").status_code == 200
    for url in ("/attachments/zip/payments/PZ0001", "/attachments/zip/projects/XM001"):
        r = client.get(url)
        r.close()
        assert r.status_code == (200 if reader else 403), url
