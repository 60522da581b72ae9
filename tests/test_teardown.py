"""tests/teardown.py's parts: a running job counts as unfinished until it ends, and the
live server's middleware counts a request until its answer is sent (or fails)."""

from __future__ import annotations

import threading

from werkzeug.test import Client

from fundtrack import jobs
from tests.teardown import InFlight


def test_a_running_job_is_unfinished_until_it_ends(app):
    release = threading.Event()
    job = jobs.start(app, "clerk", lambda job: release.wait(10), kind="export")
    try:
        assert job in jobs.unfinished()
    finally:
        release.set()
    assert job.wait(10)
    assert job not in jobs.unfinished()
    jobs.forget(job)


def test_the_server_counts_a_request_until_its_answer_is_sent():
    entered, release = threading.Event(), threading.Event()

    def slow(environ, start_response):
        entered.set()
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    in_flight = InFlight(slow)
    answered = []
    asking = threading.Thread(
        target=lambda: answered.append(Client(in_flight).get("/", buffered=True).data))
    asking.start()
    assert entered.wait(10)
    assert not in_flight.drained(0.05)
    release.set()
    assert in_flight.drained(10)
    asking.join(10)
    assert answered == [b"done"]


def test_a_request_that_fails_is_not_counted_as_running():
    def broken(environ, start_response):
        raise RuntimeError("broken")

    in_flight = InFlight(broken)
    try:
        Client(in_flight).get("/")
    except RuntimeError:
        pass
    assert in_flight.drained(0)
