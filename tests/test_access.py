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
