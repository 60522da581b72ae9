"""Hostile workbooks (tests/fuzz/books.py) through the importer the command line uses and
through the web upload: it never crashes; it adds the workbook or refuses it with
problems naming sheet, row and column; a refusal writes nothing."""

from __future__ import annotations

import json
import os
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from fundtrack import sheets
from fundtrack.extensions import db
from fundtrack.models import data_tables
from fundtrack.workbook.importer import import_workbook
from tests.conftest import csrf_token, login
from tests.fuzz.books import books, write_book
from tests.processes import ROOT
from tests.workbook.builder import county

pytestmark = pytest.mark.slow

#: FUNDTRACK_FUZZ_EXAMPLES tries more (or fewer) workbooks than CI's 60.
EXAMPLES = int(os.environ.get("FUNDTRACK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)
#: The table each data sheet adds rows to, one per row (项目节点 may update a row).
TABLES = {
    sheets.SOURCES.name: "fund_source", sheets.ARRIVALS.name: "fund_arrival",
    sheets.PROJECTS.name: "project", sheets.ALLOCATIONS.name: "allocation",
    sheets.DISBURSEMENTS.name: "disbursement",
}
HEADERS = {s.name: {c.header for c in s.columns} for s in sheets.DATA_SHEETS}
#: How many workbooks were tried, added and refused (printed at the end of a session).
TRIED = {"cli": [0, 0, 0], "web": [0, 0, 0]}


@pytest.fixture(scope="module", autouse=True)
def _tally():
    """Print, and write to artifacts/fuzz.json, how many hostile workbooks were tried."""
    yield
    (ROOT / "artifacts").mkdir(exist_ok=True)
    figures = {way: dict(zip(("tried", "added", "refused"), n, strict=True))
               for way, n in TRIED.items()}
    (ROOT / "artifacts" / "fuzz.json").write_text(json.dumps(figures, ensure_ascii=False))
    print(f"\nhostile workbooks: {figures}")


def counts() -> dict[str, int]:
    out = {t.name: db.session.scalar(select(func.count()).select_from(t))
           for t in data_tables()}
    db.session.rollback()
    return out


@pytest.fixture
def county_db(ctx, tmp_path):
    """The sound little county of the workbook tests, so that hostile rows meet codes
    that exist (duplicates) and codes they can refer to."""
    report = import_workbook(county().save(tmp_path / "county.xlsx"), actor="测试")
    assert report.ok, report.problems
    return ctx


def check_problems(report) -> None:
    for p in report.problems:
        assert isinstance(p.message, str) and p.message.strip(), p
        if p.sheet is None:  # a problem of the whole file
            assert p.row is None and p.column is None, p
            continue
        assert p.sheet in HEADERS, p
        assert isinstance(p.row, int) and p.row >= 1, p
        assert p.column in HEADERS[p.sheet], p
        assert str(p).startswith(f"{p.sheet} 第{p.row}行 {p.column}:"), p


@given(specs=books)
@FUZZ
def test_the_importer_adds_or_refuses_and_never_crashes(county_db, tmp_path, specs):
    path = write_book(specs, tmp_path / f"{uuid.uuid4().hex}.xlsx")
    before = counts()
    report = import_workbook(path, actor="测试")
    after = counts()
    check_problems(report)
    TRIED["cli"][0] += 1
    if report.problems:
        TRIED["cli"][2] += 1
        assert after == before, "a refused workbook wrote rows"
        assert report.summary().startswith(f"共 {len(report.problems)} 处问题,未写入")
    else:
        TRIED["cli"][1] += 1
        for sheet, table in TABLES.items():
            assert after[table] == before[table] + report.counts[sheet], sheet


@pytest.fixture
def finance(app, client, users):
    login(client, users["finance"])
    return client


@given(specs=books)
@settings(FUZZ, max_examples=max(1, EXAMPLES * 5 // 12))
def test_the_web_upload_checks_hostile_workbooks_without_error(
    app, finance, county_db, tmp_path, specs
):
    path = write_book(specs, tmp_path / f"{uuid.uuid4().hex}.xlsx")
    before = counts()
    with open(path, "rb") as f:
        reply = finance.post("/import/check", data={
            "csrf_token": csrf_token(finance, "/import/"), "workbook": (f, "台账.xlsx"),
        }, content_type="multipart/form-data")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200, html[:2000]
    assert counts() == before, "the check wrote rows"
    TRIED["web"][0] += 1
    if "没有可导入的数据行" in html:  # data sheets without a data row: nothing to do
        assert "检查通过" not in html and 'name="upload"' not in html
        return
    if "检查通过(未写入)" not in html:
        TRIED["web"][2] += 1
        assert "未写入任何数据" in html
        return
    TRIED["web"][1] += 1
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    reply = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload,
        "filename": "台账.xlsx"})
    assert reply.status_code == 302
    assert "已导入" in finance.get(reply.headers["Location"]).get_data(as_text=True)
