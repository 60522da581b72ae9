"""The cyclic garbage collector is paused over an import (fundtrack.collector): it
would traverse the records an import keeps alive again and again. It runs again when
the import ends, however it ends."""

from __future__ import annotations

import gc
import threading

import pytest

from fundtrack import collector
from fundtrack.workbook.importer import import_workbook
from tests.workbook.builder import county


@pytest.fixture(autouse=True)
def _collector_running():
    gc.enable()
    yield
    gc.enable()


def test_an_import_runs_without_the_collector_and_gives_it_back(ctx, tmp_path):
    seen = []
    report = import_workbook(county().save(tmp_path / "in.xlsx"), actor="导入员",
                             progress=lambda done, total: seen.append(gc.isenabled()))
    assert report.ok and seen and not any(seen)
    assert gc.isenabled()


def test_an_import_that_fails_gives_the_collector_back(ctx, tmp_path):
    def fail(done, total):
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        import_workbook(county().save(tmp_path / "in.xlsx"), actor="导入员", progress=fail)
    assert gc.isenabled()


def test_overlapping_pauses_end_with_the_last_one():
    first_in, second_out = threading.Event(), threading.Event()
    states = []

    def other():
        with collector.paused():
            first_in.set()
            second_out.wait(5)
        states.append(gc.isenabled())

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        first_in.wait(5)
    states.append(gc.isenabled())  # the other thread's pause still runs
    second_out.set()
    thread.join(5)
    assert states == [False, True]


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()
