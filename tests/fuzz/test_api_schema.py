"""schemathesis against /api/v1/openapi.json, signed in with an admin's Bearer token (who
may call every operation): whatever it generates, no answer is a 500 and every answer
matches the description (status code, content type, body schema, headers): all of
schemathesis's checks, but for the writes one: a body the schema allows may still break
a rule of the ledger (an unknown project, a payment beyond its allocation), and the
contract answers that with 409 or 422, which "positive data acceptance" counts as
failure. The reads keep it: every query their schema allows must be answered; but they
drop "negative data rejection": an object or array that schemathesis puts in a query
string arrives as an empty value, which the reads take as absent (as a blank form field),
so an answer of 200 there is not a failure. Invalid queries are still sent to them, and
must never get a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from tests import factories as f
from tests.conftest import bearer

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(app, tokens):
    """The app's own description, over WSGI, with a little county to find."""
    with app.app_context(), unit_of_work("测试"):
        src = f.source("ZY01", "100000.00")
        f.arrive(src, "50000.00", "2024-03-01")
        road = f.project("XM001")
        f.allocate(road, src, "40000.00")
        f.milestone(road, MilestoneKind.STARTED, planned="2024-03-01", done="2024-03-05")
        f.pay("PZ0001", road, src, "1000.00", "2024-03-10")
    app.config["API_TOKEN"] = tokens["admin"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Query parameters the description does not name are ignored, as HTTP APIs do (the
    # ledger screens' links share these routes' parser and carry more): not a failure.
    schema.config.generation.update(allow_extra_parameters=False)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_described(case, app):
    excluded = [schemathesis.checks.negative_data_rejection] if case.method == "GET" \
        else [schemathesis.checks.positive_data_acceptance]
    case.call_and_validate(headers=bearer(app.config["API_TOKEN"]), excluded_checks=excluded)
