"""The workbook streams the reports that grow with the ledger (项目台账, 项目资金台账,
逾期清单) from the database and sums their 合计 as the rows pass: the same rows, in the
same order, with the same 合计 as the whole report the screens and the API show."""

from __future__ import annotations

import pytest

from fundtrack.ledger.reports import REGISTRY
from tests.dashboard.county import build_county, build_projects
from tests.ledger.test_totals import DATES, FILTERS


@pytest.fixture
def county(app):
    build_county(app)
    build_projects(app, 7, "A")
    return app


STREAMED = [kind for kind in REGISTRY if kind.stream is not None]


def test_the_growing_reports_are_streamed():
    assert {kind.name for kind in STREAMED} == {"projects", "allocations", "overdue"}


@pytest.mark.parametrize("kind", STREAMED, ids=lambda k: k.name)
def test_a_streamed_report_is_the_whole_report(county, kind):
    with county.app_context():
        for as_of in DATES:
            for filt in FILTERS:
                whole = kind.function.uncached(as_of, filt)
                streamed = kind.stream(as_of, filt)
                assert (streamed.sheet, streamed.as_of, streamed.region) == (
                    whole.sheet, whole.as_of, whole.region)
                # counted beforehand for the export's progress
                assert streamed.count() == len(whole.rows), (as_of, filt)
                assert list(streamed.rows) == whole.rows, (as_of, filt)
                assert streamed.total == whole.total, (as_of, filt)


@pytest.mark.parametrize("kind", STREAMED, ids=lambda k: k.name)
def test_a_streamed_report_reads_nothing_before_its_rows(county, kind):
    """The export makes every streamed report up front, to count their rows for its
    progress: none runs its statement (nor holds a cursor) before its sheet is written."""
    from sqlalchemy import event

    from fundtrack.extensions import db

    with county.app_context():
        statements = []

        def seen(*args):
            statements.append(args)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            streamed = kind.stream(DATES[1], FILTERS[0])
            assert statements == []
            rows = list(streamed.rows)
            assert statements and len(rows) == len(kind.function.uncached(
                DATES[1], FILTERS[0]).rows)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
