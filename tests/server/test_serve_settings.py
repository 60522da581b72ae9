"""``fundtrack serve`` hands waitress the limits chosen by flag or FUNDTRACK_* variable,
and sensible ones by default (waitress itself is not started here)."""

from __future__ import annotations

import pytest


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(kw))
    return calls


def test_defaults(runner, served):
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    (kw,) = served
    assert kw["host"] == "127.0.0.1" and kw["port"] == 8000
    assert kw["connection_limit"] == 1000 and kw["channel_timeout"] == 30
    assert kw["cleanup_interval"] == 10 and kw["threads"] == 8
    assert kw["asyncore_use_poll"] is True
    assert kw["max_request_body_size"] == 2 * 20 * 1024 * 1024
    assert "trusted_proxy" not in kw


def test_flags_and_variables(runner, served, monkeypatch):
    monkeypatch.setenv("FUNDTRACK_CONNECTION_LIMIT", "300")
    monkeypatch.setenv("FUNDTRACK_TRUSTED_PROXY", "127.0.0.1")
    result = runner.invoke(args=["serve", "--threads", "4", "--channel-timeout", "15",
                                 "--cleanup-interval", "5", "--port", "8080"])
    assert result.exit_code == 0, result.output
    (kw,) = served
    assert (kw["threads"], kw["channel_timeout"], kw["cleanup_interval"], kw["port"]) == (
        4, 15, 5, 8080)
    assert kw["connection_limit"] == 300
    assert kw["trusted_proxy"] == "127.0.0.1" and kw["clear_untrusted_proxy_headers"]
    assert "x-forwarded-for" in kw["trusted_proxy_headers"]


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_limit_that_is_no_positive_number_is_wrong_usage(runner, served, monkeypatch,
                                                           value):
    monkeypatch.setenv("FUNDTRACK_CONNECTION_LIMIT", value)
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 2 and not served
    assert "FUNDTRACK_CONNECTION_LIMIT" in result.output or "connection-limit" in result.output
