"""A page of 项目台账 and the dashboard's progress are summed differently from the whole
report (a page sums only its projects; the 合计 and the progress are summed straight from
the tables), so they must agree with it: the rows of a page are the whole report's rows
at that place, and every 合计 equals the sum of the whole report's rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from fundtrack.enums import MilestoneKind as K
from fundtrack.ledger import project_ledger
from fundtrack.ledger.filters import LedgerFilter
from fundtrack.ledger.reports import summary, summary_total
from tests.dashboard.county import build_county, build_projects

DATES = (dt.date(2024, 3, 15), dt.date(2024, 6, 30), dt.date(2025, 1, 1))
FILTERS = (
    LedgerFilter(),
    LedgerFilter(township="城关镇"),
    LedgerFilter(unit="县水利局"),
    LedgerFilter(year=2024),
    LedgerFilter(overdue_only=True),
    LedgerFilter(reached=K.STARTED),
    LedgerFilter(search="XM00"),
)
SORTS = (None, "-project_code", "name", "-township", "unit", "-total_investment",
         "spending_rate", "-spent", "max_days_overdue")


@pytest.fixture
def county(app):
    build_county(app)
    build_projects(app, 7, "A")
    return app


def _uncached(fn, *args, **kwargs):
    return fn.uncached(*args, **kwargs)


def test_pages_are_the_whole_reports_rows_and_totals(county):
    with county.app_context():
        for as_of in DATES:
            for filt in FILTERS:
                for sort in SORTS:
                    whole = _uncached(project_ledger, as_of, filt, sort=sort)
                    per_page = 3
                    for page in range(1, (whole.count + per_page - 1) // per_page + 2):
                        got = _uncached(project_ledger, as_of, filt, page=page,
                                        per_page=per_page, sort=sort)
                        want = whole.rows[(page - 1) * per_page: page * per_page]
                        where = (as_of, filt, sort, page)
                        assert got.rows == want, where
                        assert got.total == whole.total, where
                        assert got.count == whole.count, where


def test_the_dashboards_progress_is_the_summarys_total(county):
    with county.app_context():
        for as_of in DATES:
            for filt in (*FILTERS, replace(FILTERS[1], year=2024)):
                assert _uncached(summary_total, as_of, filt) == \
                    _uncached(summary, as_of, filt).total, (as_of, filt)
