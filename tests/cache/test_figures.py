"""Kept figures (fundtrack/cache): the next reader gets what the ledger would compute,
never what it computed before a write, whichever process wrote."""

from __future__ import annotations

import datetime as dt

import pytest

from fundtrack import create_app
from fundtrack.cache import current_token
from fundtrack.cache.store import figure_cache
from fundtrack.database import acting_as, unit_of_work
from fundtrack.enums import FundCategory
from fundtrack.enums import MilestoneKind as K
from fundtrack.extensions import db
from fundtrack.funds.service import get_disbursement, get_source
from fundtrack.ledger import by_category, overdue_list, project_ledger
from fundtrack.ledger.reports import summary, summary_total
from fundtrack.projects.service import get_project
from fundtrack.rectification.models import FindingSource
from fundtrack.rectification.service import record_finding
from fundtrack.settings.service import set_warning_thresholds
from fundtrack.warnings.report import counts, warning_report
from tests import factories as f
from tests.conftest import login

AS_OF = dt.date(2024, 9, 30)


def figures() -> dict:
    """What the dashboard and the first ledger pages show as of AS_OF, each read in a
    transaction of its own (as one request each)."""
    reads = {
        "projects": lambda: project_ledger(AS_OF, page=1, per_page=50),
        "overdue": lambda: overdue_list(AS_OF, page=1, per_page=10),
        "summary": lambda: summary(AS_OF),
        "progress": lambda: summary_total(AS_OF),
        "categories": lambda: by_category(AS_OF),
        "warnings": lambda: counts(AS_OF),
        "warning_page": lambda: warning_report(AS_OF, page=1, per_page=20),
    }
    out = {}
    for name, read in reads.items():
        out[name] = _plain(read())
        db.session.rollback()
    return out


def uncached_figures() -> dict:
    from fundtrack.ledger import reports

    reads = {
        "projects": lambda: reports.project_ledger.uncached(AS_OF, page=1, per_page=50),
        "overdue": lambda: reports.overdue_list.uncached(AS_OF, page=1, per_page=10),
        "summary": lambda: reports.summary.uncached(AS_OF),
        "progress": lambda: reports.summary_total.uncached(AS_OF),
        "categories": lambda: by_category.uncached(AS_OF),
        "warnings": lambda: counts.uncached(AS_OF),
        "warning_page": lambda: warning_report.uncached(AS_OF, page=1, per_page=20),
    }
    out = {}
    for name, read in reads.items():
        out[name] = _plain(read())
        db.session.rollback()
    return out


def _plain(value):
    """A comparable form of a report, a dict of figures or a list of warnings."""
    if hasattr(value, "rows") and hasattr(value, "count"):
        return (_plain(value.rows), _plain(getattr(value, "total", None)), value.count,
                _plain(getattr(value, "counts", None)))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return _plain(vars(value))
    return value


@pytest.fixture
def county(app):
    with app.app_context(), unit_of_work("财政局"):
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "600000.00", "2024-03-01")
        other = f.source("SJ01", "200000.00", category=FundCategory.INTEGRATED)
        f.arrive(other, "200000.00", "2024-03-05")
        for i, township in enumerate(("城关镇", "河口乡")):
            p = f.project(f"XM00{i + 1}", "500000.00", township=township)
            f.allocate(p, src, "200000.00", "2024-03-10")
            f.pay(f"PZ00{i + 1}", p, src, "50000.00", "2024-04-01")
            f.milestone(p, K.STARTED, planned="2024-04-01")
    return app


def _pay(voucher="PZ0100", amount="30000.00"):
    f.pay(voucher, get_project("XM001"), get_source("ZY01"), amount, "2024-09-01")


def _reverse():
    f.reverse("PZ0099", get_disbursement("PZ001"), "-50000.00", "2024-09-02")


def _start():
    f.milestone(get_project("XM002"), K.STARTED, planned="2024-04-01", done="2024-05-01")


def _allocate():
    f.allocate(get_project("XM002"), get_source("SJ01"), "80000.00", "2024-06-01")


def _arrive():
    f.arrive(get_source("ZY01"), "100000.00", "2024-07-01")


def _threshold():
    set_warning_thresholds({"overdue_days": 500})


def _finding():
    record_finding(source=FindingSource.AUDIT, description="资金拨付滞后",
                   found_on=dt.date(2024, 6, 1), deadline=dt.date(2024, 6, 30),
                   project_code="XM001")


WRITES = {"payment": _pay, "reversal": _reverse, "milestone": _start,
          "allocation": _allocate, "arrival": _arrive, "warning threshold": _threshold,
          "finding": _finding}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_is_in_the_next_figures(county, write):
    with county.app_context():
        before = figures()
        store = figure_cache()
        hits = store.hits
        assert figures() == before  # the second reader is served the kept figures
        assert store.hits == hits + len(before)
        with unit_of_work("财政局"):
            WRITES[write]()
        after = figures()
        assert after != before
        assert after == uncached_figures()


def test_another_process_writing_is_seen(county, tmp_path):
    """A second worker (its own engine and its own kept figures) pays: the first one's
    next figures include the payment."""
    with county.app_context():
        before = figures()
    other = create_app({"TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": county.config["SQLALCHEMY_DATABASE_URI"],
                        "FUNDTRACK_REGION": "测试县"},
                       instance_path=str(tmp_path))
    with other.app_context():
        with unit_of_work("财政局"):
            _pay()
        db.session.remove()
        db.engine.dispose()
    with county.app_context():
        after = figures()
        assert after == uncached_figures()
        total = project_ledger(AS_OF, page=1, per_page=50).total
        assert total["spent"] == f.D("130000.00")
        assert after != before


def test_a_transaction_that_wrote_reads_its_own_figures_and_keeps_none(county):
    with county.app_context(), acting_as("财政局"):
        assert project_ledger(AS_OF, page=1, per_page=50).total["spent"] == f.D("100000.00")
        db.session.rollback()
        store = figure_cache()
        kept = len(store)
        _pay()  # flushed, not committed
        assert current_token() is None
        assert project_ledger(AS_OF, page=1, per_page=50).total["spent"] == f.D("130000.00")
        assert len(store) == kept
        db.session.rollback()
        assert project_ledger(AS_OF, page=1, per_page=50).total["spent"] == f.D("100000.00")


def test_reading_pages_leaves_the_version_alone(county, client, users):
    login(client, users["auditor"])
    with county.app_context():
        token = current_token()
        db.session.rollback()
    for path in ("/", "/ledger/projects", "/warnings/", "/ledger/summary"):
        assert client.get(f"{path}?as_of={AS_OF}").status_code == 200
    with county.app_context():
        assert current_token() == token


def test_changing_what_was_returned_changes_nothing_kept(county):
    with county.app_context():
        report = project_ledger(AS_OF, page=1, per_page=50)
        db.session.rollback()
        report.rows[0]["spent"] = f.D("999.00")
        report.total["spent"] = f.D("999.00")
        again = project_ledger(AS_OF, page=1, per_page=50)
        assert again.rows[0]["spent"] == f.D("50000.00")
        assert again.total["spent"] == f.D("100000.00")


def test_a_whole_report_is_not_kept(county):
    """An export reads whole reports: they may hold every project, so none is kept."""
    with county.app_context():
        store = figure_cache()
        project_ledger(AS_OF)
        overdue_list(AS_OF)
        warning_report(AS_OF)
        assert len(store) == 0


def _keeping(app, entries: int):
    from fundtrack.cache import init_app

    app.config["FUNDTRACK_FIGURE_CACHE"] = entries
    init_app(app)
    return app


def test_the_store_is_bounded(county):
    with _keeping(county, 2).app_context():
        for day in (1, 2, 3, 4):
            summary_total(dt.date(2024, 1, day))
            db.session.rollback()
        assert len(figure_cache()) == 2


def test_off_when_set_to_zero(county):
    with _keeping(county, 0).app_context():
        assert figure_cache() is None
        assert summary_total(AS_OF)["projects"] == 2


def test_an_import_is_in_the_next_figures(app, tmp_path):
    """An import writes in batches (COPY on PostgreSQL, which passes no statement event):
    its commit still changes the data's version. A dry run changes nothing kept."""
    from fundtrack.workbook.importer import import_workbook
    from tests.workbook.builder import county as workbook

    path = workbook().save(tmp_path / "台账.xlsx")
    with app.app_context():
        before = figures()
        assert dict(before["progress"])["projects"] == 0
        assert not import_workbook(path, actor="导入员", dry_run=True).problems
        assert figures() == before
        assert not import_workbook(path, actor="导入员").problems
        after = figures()
        assert dict(after["progress"])["projects"] == 2
        assert after == uncached_figures()
