"""Security headers on every response: pages, JSON, files, errors, signed in or not."""

from __future__ import annotations

import re

import pytest

from fundtrack.security import CONTENT_SECURITY_POLICY
from tests.conftest import bearer, login

EXPECTED = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' "
                               "'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _assert_headers(r, what):
    for name, value in EXPECTED.items():
        assert r.headers.get(name) == value, (what, name, r.headers.get(name))


def test_the_policy_is_the_one_asked_for():
    assert CONTENT_SECURITY_POLICY == EXPECTED["Content-Security-Policy"]


def test_every_page_signed_in_carries_the_headers(app, client, users):
    login(client, users["admin"])
    paths = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and not r.rule.startswith("/api/")]
    assert "/periods/" in paths and len(paths) > 10
    for path in paths:
        _assert_headers(client.get(path), path)


@pytest.mark.parametrize("path", ["/login", "/healthz", "/", "/no/such/page",
                                  "/static/js/app.js", "/static/css/app.css",
                                  "/api/v1/openapi.json", "/api/v1/ledger/funds"])
def test_public_pages_redirects_errors_and_files_carry_them(client, path):
    r = client.get(path)
    r.close()  # a static file is streamed from disk
    _assert_headers(r, path)


def test_api_replies_carry_them(client, tokens):
    r = client.get("/api/v1/ledger/projects", headers=bearer(tokens["viewer"]))
    assert r.status_code == 200
    _assert_headers(r, "api")
    r = client.post("/api/v1/disbursements", json={}, headers=bearer(tokens["viewer"]))
    assert r.status_code == 403
    _assert_headers(r, "api 403")


def test_no_template_has_inline_script_or_handlers():
    """What the policy would block: inline <script>, on*= attributes, javascript: URLs."""
    import pathlib

    import fundtrack

    root = pathlib.Path(fundtrack.__file__).parent.parent / "templates"
    if not root.is_dir():
        root = pathlib.Path(fundtrack.__file__).parent / "templates"
    found = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in m.group(0):
                found.append((path.name, m.group(0)))
        found += [(path.name, m.group(0)) for m in
                  re.finditer(r"\son[a-z]+\s*=|javascript:", text, re.IGNORECASE)]
    assert found == []
