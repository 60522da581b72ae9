"""Backup, restore into an empty database, export: the workbook is the same, cell for
cell, as the one exported before the backup (tests/test_backup.py checks the rows;
here the figures the auditors read). SQLite through ``fundtrack backup``/``restore``
(into SQLite, and into PostgreSQL on the PostgreSQL run); PostgreSQL the README's way,
``pg_dump`` then ``pg_restore`` into an empty database."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from tests.conftest import PG_URL, pg_database
from tests.processes import run_cli
from tests.test_backup import _sqlite_app, sqlite_template  # noqa: F401  (a fixture)
from tests.workbook.sample import build_county as build_audit_county

pytestmark = pytest.mark.slow

AS_OF = "2024-06-30"


def _cells(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def _export(app, path) -> dict[str, list[tuple]]:
    result = app.test_cli_runner().invoke(args=["export", str(path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return _cells(path)


@pytest.fixture
def sqlite_source(sqlite_template, tmp_path):  # noqa: F811
    """A SQLite app holding the county of the workbook tests (what an audit meets)."""
    app = _sqlite_app(sqlite_template, tmp_path / "source.sqlite")
    app.config["FUNDTRACK_REGION"] = "测试县"  # as the app fixture's, restored into
    with app.app_context(), unit_of_work("测试"):
        build_audit_county()
        # and recoveries, so that every sheet of the workbook holds rows
        from fundtrack.enums import RecoveryDestination
        from fundtrack.funds.service import get_source, record_recovery

        for on, where in ((dt.date(2024, 4, 1), RecoveryDestination.UPWARD),
                          (dt.date(2024, 4, 2), RecoveryDestination.POOLED)):
            record_recovery(get_source("00123"), recovered_on=on, amount=Decimal("100.00"),
                            destination=where, document_no="豫财农〔2024〕3号",
                            reason="项目调整")
        # and contracts (合同)
        from fundtrack.enums import TenderMethod
        from fundtrack.projects.service import get_project
        from tests.factories import contract

        contract("HT-2024-01", get_project("XM001"), "480000.00", "2024-02-20",
                 method=TenderMethod.OPEN, rate="0.03", due="2026-02-20")
        contract("HT-2024-02", get_project("XM002"), "85000.00", method=TenderMethod.DIRECT)
        # and documents, for the 要件 sheet (backup and restore carry their files)
        from tests.attachments.samples import JPEG, PDF, attach

        attach("disbursement:PZ0005", "发票", PDF, "结算发票.pdf")
        attach("project:XM001", "公示照片", JPEG, "施工前.jpg")
        # and 绩效目标 and 资产移交, for their sheets and the 绩效自评
        from tests.workbook.sample import add_targets_and_assets

        add_targets_and_assets()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_backup_restore_export_gives_the_same_workbook(app, runner, sqlite_source, tmp_path):
    before = _export(sqlite_source, tmp_path / "before.xlsx")
    assert all(len(rows) > 2 for rows in before.values()) and before["资金台账"][-1][0] == "合计"

    backup = tmp_path / "backup.sqlite"
    assert sqlite_source.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output

    after = _export(app, tmp_path / "after.xlsx")
    assert after == before


@pytest.fixture
def pg_pair(tmp_path_factory):
    """Two migrated PostgreSQL databases: the source and an empty one to restore into."""
    if not PG_URL:
        pytest.skip("the pg_dump way needs PostgreSQL")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    instance = str(tmp_path_factory.mktemp("pgdump-instance"))
    first = pg_database("fundtrack_dump_src", instance)
    src = next(first)[1]
    base = make_url(PG_URL)
    name = f"fundtrack_dump_dst_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))  # empty: no schema
    try:
        yield src, base.set(database=name).render_as_string(hide_password=False), instance
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        next(first, None)


def _libpq(url: str) -> str:
    """The URL pg_dump takes: no "+psycopg"."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_pg_dump_and_pg_restore_give_the_same_workbook(pg_pair, tmp_path):
    from fundtrack import create_app

    src, dst, instance = pg_pair
    app = create_app({"SQLALCHEMY_DATABASE_URI": src, "SECRET_KEY": "t"},
                     instance_path=instance)
    with app.app_context():
        with unit_of_work("测试"):
            build_audit_county()
        db.engine.dispose()
    done = run_cli(src, "export", str(tmp_path / "before.xlsx"), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    before = _cells(tmp_path / "before.xlsx")

    dump = tmp_path / "fundtrack.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), _libpq(src)],
                   check=True, capture_output=True)
    subprocess.run(["pg_restore", "--dbname", _libpq(dst), str(dump)], check=True,
                   capture_output=True)

    done = run_cli(dst, "export", str(tmp_path / "after.xlsx"), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert _cells(tmp_path / "after.xlsx") == before
    # and the restored ledger goes on: its sequences continue after the restored ids
    done = run_cli(dst, "init-db")  # already at the latest revision: nothing to do
    assert done.returncode == 0, done.stderr
    done = run_cli(dst, "create-user", "zhao", "--role", "finance", "--password-stdin",
                   stdin="restored county 1\n")
    assert done.returncode == 0, done.stderr
