"""Hostile workbooks small on disk and huge in their coordinates or row counts (issue 14,
items 1 and 3): reading costs what the cells that exist cost, a workbook beyond the rows
an import may hold is refused before its rows are read, naming the user's file and the
setting, and no write lock is held while a workbook is read."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy.engine import make_url

from fundtrack.extensions import db
from fundtrack.workbook import importer, reading
from fundtrack.workbook.importer import import_workbook
from tests.conftest import csrf_token, login
from tests.processes import ROOT
from tests.workbook import hostile

#: The address space the reading child may use (the interpreter with fundtrack imported
#: takes about 200 MB of it): a reader that pads a far cell to its
#: coordinates needs gigabytes (2.8 GB for ZZZ20000, 0.6 GB for row 5,000,000).
MEMORY_CAP = 256 * 1024 * 1024

CHILD = textwrap.dedent("""
    import resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    from fundtrack.workbook.reading import read_workbook
    started = time.perf_counter()
    book = read_workbook(sys.argv[1])
    print(round(time.perf_counter() - started, 2))
    print({{name: len(rows) for name, rows in book.rows.items()}})
    for p in book.problems:
        print(p)
""")


def read_capped(path) -> list[str]:
    """read_workbook(path) in a child process limited to MEMORY_CAP; its output lines."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(cap=MEMORY_CAP), str(path)], cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_a_cell_at_zzz20000_costs_what_one_cell_costs(tmp_path):
    path = hostile.far_cell(tmp_path / "far.xlsx", "ZZZ", 20_000)
    assert path.stat().st_size < 10_000
    seconds, counts, *problems = read_capped(path)
    assert float(seconds) < 5
    # no header names column ZZZ: the cell is no one's, and the sheet has no data row
    assert counts == "{'支出明细': 0}" and problems == []


def test_a_column_far_right_under_an_unknown_header_is_not_read(tmp_path):
    """Its header makes the sheet 18,278 columns wide: 5,000 rows as wide cost 730 MB."""
    path = hostile.far_column(tmp_path / "wide.xlsx", 5_000)
    seconds, counts, *problems = read_capped(path)
    assert counts == "{'支出明细': 0}" and problems == []


def test_a_lone_row_numbered_5000000_is_refused_naming_the_file_and_the_limit(tmp_path):
    path = hostile.far_cell(tmp_path / "县台账.xlsx", "A", 5_000_000)
    seconds, counts, *problems = read_capped(path)
    assert float(seconds) < 5 and counts == "{}"
    assert len(problems) == 1
    assert "县台账.xlsx" in problems[0] and "第5000000行" in problems[0]
    assert "FUNDTRACK_MAX_IMPORT_ROWS" in problems[0] and "200000" in problems[0]
    assert "必填" not in problems[0]


def test_a_workbook_over_the_row_limit_is_refused_before_a_row_is_read(
        ctx, tmp_path, monkeypatch):
    ctx.config["FUNDTRACK_MAX_IMPORT_ROWS"] = 1000
    read = []
    real = reading._read_sheet
    monkeypatch.setattr(reading, "_read_sheet", lambda *a: read.append(a) or real(*a))
    path = hostile.many_rows(tmp_path / "big.xlsx", 1001)
    report = import_workbook(path, actor="测试", dry_run=True)
    assert [str(p) for p in report.problems] == [
        "工作簿「big.xlsx」有约 1001 个数据行,超过一次导入的上限 1000 行(设置 "
        "FUNDTRACK_MAX_IMPORT_ROWS),未导入任何数据;请分成几个工作簿分批导入,或请管理员调高该设置"]
    assert read == []
    # at the limit it is read (and its rows checked: XM001 and ZY01 do not exist here)
    report = import_workbook(hostile.many_rows(tmp_path / "ok.xlsx", 1000), actor="测试",
                             dry_run=True)
    assert not any("FUNDTRACK_MAX_IMPORT_ROWS" in p.message for p in report.problems)
    assert len(read) == 1


def test_the_row_limit_comes_from_the_environment(monkeypatch, tmp_path):
    from fundtrack import config

    monkeypatch.delenv("FUNDTRACK_MAX_IMPORT_ROWS", raising=False)
    assert config.load(str(tmp_path))["FUNDTRACK_MAX_IMPORT_ROWS"] == 200_000
    monkeypatch.setenv("FUNDTRACK_MAX_IMPORT_ROWS", "5000")
    assert config.load(str(tmp_path))["FUNDTRACK_MAX_IMPORT_ROWS"] == 5000
    for bad in ("", "0", "-1", "1e6", "many"):
        monkeypatch.setenv("FUNDTRACK_MAX_IMPORT_ROWS", bad)
        with pytest.raises(ValueError, match="FUNDTRACK_MAX_IMPORT_ROWS"):
            config.load(str(tmp_path))


@pytest.fixture
def finance(app, client, users):
    login(client, users["finance"])
    return client


def _check(client, path, filename: str):
    with open(path, "rb") as f:
        data = f.read()
    return client.post("/import/check", data={
        "csrf_token": csrf_token(client, "/import/"),
        "workbook": (io.BytesIO(data), filename),
    }, content_type="multipart/form-data")


def test_the_import_page_states_the_row_limit(app, finance):
    app.config["FUNDTRACK_MAX_IMPORT_ROWS"] = 5000
    assert "一次最多 5000 个数据行" in finance.get("/import/").get_data(as_text=True)


def test_the_web_check_names_the_users_file_not_the_kept_copy(finance, tmp_path):
    reply = _check(finance, hostile.far_cell(tmp_path / "x.xlsx", "A", 5_000_000),
                   "二〇二四年台账.xlsx")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "工作簿「二〇二四年台账.xlsx」「支出明细」第5000000行超出一次导入的上限" in html
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", html.split("<form")[0])


def test_no_write_lock_is_held_while_an_upload_is_read(app, finance, tmp_path, monkeypatch):
    """A payment (any writer) can commit while a big workbook is read and its cells
    checked: the check's write transaction begins only after."""
    seen = []
    real = importer.read_workbook

    def reading_while_others_write(path, **kw):
        seen.append(db.session().in_transaction())
        if app.config["BACKEND"] == "sqlite":  # another writer takes the lock at once
            other = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database,
                                    timeout=0.1, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            other.close()
        return real(path, **kw)

    monkeypatch.setattr(importer, "read_workbook", reading_while_others_write)
    reply = _check(finance, hostile.many_rows(tmp_path / "big.xlsx", 2000), "big.xlsx")
    assert reply.status_code == 200 and seen == [False]


def test_a_note_of_a_hundred_million_characters_is_refused_in_little_memory(tmp_path):
    """A text longer than a cell can hold is not read whole: 100 million characters
    (300 MB unzipped, a few hundred KB zipped) would not fit in MEMORY_CAP."""
    path = hostile.huge_note(tmp_path / "note.xlsx", 100_000_000)
    assert path.stat().st_size < 2_000_000
    seconds, counts, *problems = read_capped(path)
    assert counts == "{'资金到位': 1}"
    assert problems == ["资金到位 第2行 备注:长度为 32768 个字符,超过上限 500 个字符"]


def test_a_sheet_unzipping_beyond_what_the_row_limit_needs_is_refused_unread(
        ctx, tmp_path, monkeypatch):
    ctx.config["FUNDTRACK_MAX_IMPORT_ROWS"] = 1000  # 64 MB of XML at least
    monkeypatch.setattr(reading, "_read_sheet", lambda *a: pytest.fail("a row was read"))
    report = import_workbook(hostile.huge_note(tmp_path / "bomb.xlsx", 30_000_000),
                             actor="测试", dry_run=True)
    assert [str(p) for p in report.problems] == [
        "工作簿「bomb.xlsx」的工作表解压后有 86 MB,超过 1000 行所需的 64 MB(设置 "
        "FUNDTRACK_MAX_IMPORT_ROWS),未导入任何数据;请分成几个工作簿分批导入,或请管理员调高该设置"]
