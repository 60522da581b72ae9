"""``fundtrack backup`` / ``fundtrack restore``: a SQLite copy of the whole database, and
loading it into an empty database, SQLite or PostgreSQL.

The backups here always come from a SQLite app (``sqlite_source``); the target is the
``app`` fixture, so on the PostgreSQL run they restore a SQLite backup into PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from fundtrack import create_app
from fundtrack.accounts.service import create_token, create_user, user_for_token
from fundtrack.backup import BackupError, backup
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, PaymentKind, Role
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.funds.service import get_source
from fundtrack.models import data_tables
from fundtrack.projects.service import get_project
from tests.factories import allocate, arrive, milestone, pay, project, reverse, source

pytestmark = pytest.mark.slow


def only_on(app, backend: str, why: str) -> None:
    if app.config["BACKEND"] != backend:
        pytest.skip(f"only on {backend}: {why}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite database migrated to the latest schema, whatever the backend under test."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("backup-template") / "template.sqlite"
    instance = str(tmp_path_factory.mktemp("backup-instance"))
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
        instance_path=instance,
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()
    return path, instance


def _sqlite_app(template, path):
    template_path, instance = template
    shutil.copy(template_path, path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
         "FUNDTRACK_FILES": str(path.parent / f"{path.stem}-files")},
        instance_path=instance,
    )
    app.config["BACKEND"] = "sqlite"
    return app


@pytest.fixture
def sqlite_source(sqlite_template, tmp_path):
    """A running SQLite app holding a little county."""
    app = _sqlite_app(sqlite_template, tmp_path / "source.sqlite")
    with app.app_context(), unit_of_work("测试"):
        build_county()
    yield app
    with app.app_context():
        db.engine.dispose()


def build_county() -> None:
    """Two channels, two units, payments with fen, a reduction, a reversal, a settlement,
    milestones, a user with a token: every table gets rows."""
    zy = source("ZY01", "1000000.00", issued_on="2024-01-15")
    sj = source("SJ01", "300000.50")
    arrive(zy, "300000.00", "2024-03-01")
    arrive(zy, "123456.78", "2024-05-01")
    arrive(sj, "100000.01", "2024-04-01")
    road = project("XM001", "450000.00", priority=True)
    water = project("XM002", "88000.88", unit="县水利局", township="北关镇", village="西村")
    allocate(road, zy, "200000.00", on="2024-02-01")
    allocate(road, zy, "-10000.00", on="2024-02-10")
    allocate(road, sj, "50000.05")
    allocate(water, zy, "88000.88", on="2024-02-20")
    p1 = pay("PZ0001", road, zy, "12345.67", "2024-03-05", kind=PaymentKind.ADVANCE)
    pay("PZ0002", road, sj, "0.01", "2024-04-02")
    pay("PZ0003", water, zy, "40000.00", "2024-03-10")
    reverse("PZ0004", p1, "-345.67", "2024-03-20")
    milestone(water, MilestoneKind.STARTED, planned="2024-03-01", done="2024-03-02")
    milestone(water, MilestoneKind.ACCEPTED, planned="2024-05-01", done="2024-05-10")
    milestone(road, MilestoneKind.COMPLETED, planned="2024-06-30")
    pay("PZ0005", water, zy, "48000.88", "2024-05-20", kind=PaymentKind.SETTLEMENT)
    user = create_user("wang", Role.MANAGER, unit="县水利局", password="backup pass 1")
    create_token(user)
    from fundtrack.accounts.service import start_session

    start_session(user)
    from fundtrack.settings.service import set_tender_threshold

    set_tender_threshold("500000")
    from fundtrack.rectification import service as rectification
    from fundtrack.rectification.models import FindingSource

    finding = rectification.record_finding(
        source=FindingSource.AUDIT, description="结算资料不全", project_code="XM002",
        found_on=dt.date(2024, 6, 1), deadline=dt.date(2024, 6, 30))
    rectification.add_evidence(finding, "已补齐结算资料", dt.date(2024, 6, 15))
    from fundtrack.accounts.throttle import begin as note_attempt
    from fundtrack.periods.service import close_month

    close_month("2024-02")
    note_attempt("wang", "10.0.0.1")  # counted as a failure until it succeeds
    from tests.attachments.samples import PDF, PNG, attach

    contract = attach("project:XM002", "合同", PDF, "施工合同.pdf")
    attach("project:XM002", "合同", PDF + b"%signed\n", "施工合同(盖章).pdf",
           supersedes=contract.id)
    attach("disbursement:PZ0005", "验收报告", PNG, "验收.png")
    _reporting_rows()
    from fundtrack.enums import RecoveryDestination
    from fundtrack.funds.service import record_recovery

    record_recovery(sj, recovered_on=dt.date(2024, 4, 10), amount=Decimal("1000.00"),
                    destination=RecoveryDestination.POOLED, document_no="县财〔2024〕9号",
                    reason="结余收回统筹")
    from tests.factories import contract as register_contract

    register_contract("确财采〔2024〕12号", road, "480000.00", "2024-02-20", rate="0.03",
                      due="2026-02-20")
    _plan_adjustment(road)
    from fundtrack.workbook.mapping.fields import ColumnMap, Mapping
    from fundtrack.workbook.mapping.service import save_mapping

    save_mapping("本县项目台账", Mapping(columns={
        "项目名称": ColumnMap("name"), "资金来源/中央": ColumnMap("allocated", "ZY01", "万元")},
        units={"县交通局": "县交通运输局"}, sheet="2024年"))
    _treasury_explanation()
    _registry_rows(road, water)


def _treasury_explanation() -> None:
    """A reconciliation difference marked explained (对账差异说明)."""
    from fundtrack.treasury.match import Pair
    from fundtrack.treasury.queries import ledger_payments
    from fundtrack.treasury.reading import TreasuryRow
    from fundtrack.treasury.service import explain

    ledger = next(p for p in ledger_payments(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
                  if p.voucher_no == "PZ0005")
    row = TreasuryRow(2, "PZ0005", ledger.paid_on, ledger.amount + Decimal("0.01"),
                      ledger.payee, "6228480012345678", "2130505 生产发展")
    explain(Pair(row, ledger, ("amount",)), "国库多记一分,已函告国库更正")


def _registry_rows(road, water) -> None:
    """A performance target with its actual value, and a settled project's asset handed
    over (the rules are tests/performance's and tests/assets')."""
    from fundtrack.performance.service import add_target, record_actual

    target = add_target(road, category="产出", name="新建道路长度", measure="公里",
                        target="3.2")
    record_actual(target, actual="2.9", met=False, gap_reason="路基塌方改线")
    from fundtrack.assets.service import record_handover
    from fundtrack.enums import AssetClass

    milestone(water, MilestoneKind.SETTLED, done="2024-05-25")
    record_handover(water, name="西村供水管网 3 公里", asset_class=AssetClass.PUBLIC,
                    value=Decimal("88000.88"), owner="西村村民委员会", maintainer="县水利局",
                    caretaker="王五 13900000000", handed_over_on=dt.date(2024, 6, 1),
                    document_no="水移〔2024〕3号")


def _plan_adjustment(road) -> None:
    """A moved planned date of a project in 实施, kept as a 计划调整 (the row as stored: the
    rule is tests/milestones/test_plan_adjustments.py's)."""
    from sqlalchemy import select as select_

    from fundtrack.extensions import db
    from fundtrack.milestones.models import Milestone, PlanAdjustment

    done = db.session.scalar(select_(Milestone).where(
        Milestone.project_id == road.id, Milestone.kind == MilestoneKind.COMPLETED))
    done.baseline_on = dt.date(2024, 6, 30)
    db.session.add(PlanAdjustment(
        milestone=done, at=dt.datetime(2024, 7, 1, 9, 30, tzinfo=dt.UTC), actor="测试",
        old_on=dt.date(2024, 6, 30), new_on=dt.date(2024, 9, 30), reason="汛期停工"))


def _reporting_rows() -> None:
    """A registered lower region, a package received from it and its return (退回) (the
    rows as stored: signing and checking are tests/reporting's)."""
    from fundtrack.extensions import db
    from fundtrack.reporting.models import Region, ReportPackage, ReportReturn

    at = dt.datetime(2024, 3, 2, 8, 0, tzinfo=dt.UTC)
    db.session.add(Region(name="确山县", public_key="A" * 43 + "=", registered_at=at,
                          registered_by="测试"))
    db.session.add(ReportPackage(
        region="确山县", level="县", month="2024-02", received_at=at, received_by="测试",
        digest="0" * 64, body={"region": "确山县", "month": "2024-02"},
        amount_issued=Decimal("1000.00"), arrived=Decimal("500.00"), spent=Decimal("0.01"),
        recovered=Decimal("0.00"), projects=2, started=1, completed=0, overdue_count=1))
    db.session.flush()
    db.session.add(ReportReturn(
        package_id=db.session.scalar(db.select(ReportPackage.id)), region="确山县",
        month="2024-02", note="开工数有误", returned_at=at, returned_by="测试"))


def _plain(value):
    """A value as comparable across SQLite and PostgreSQL, strictly."""
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, dt.datetime):  # stored in UTC; naive on SQLite
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return ("datetime", value)
    return value


def dump(app) -> dict[str, list[tuple]]:
    """Every row of every table, in id order."""
    with app.app_context():
        return {
            t.name: [
                tuple(_plain(v) for v in row)
                for row in db.session.execute(
                    select(t).order_by(*t.primary_key.columns)
                )
            ]
            for t in data_tables()
        }


def _backup_file(src_app, tmp_path):
    out = tmp_path / "备份 2024.sqlite"
    result = src_app.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    return out


# --- backup --------------------------------------------------------------------------


def test_backup_is_a_self_contained_sqlite_file(sqlite_source, tmp_path):
    out = tmp_path / "old.sqlite"
    out.write_bytes(b"an older backup")
    result = sqlite_source.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    # beside it, its documents (old.sqlite.files); source-files is the source's store
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "old.sqlite", "old.sqlite.files", "source-files", "source.sqlite"] + (
        ["source.sqlite-shm", "source.sqlite-wal"]
        if (tmp_path / "source.sqlite-wal").exists() else []
    )
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT count(*) FROM disbursement").fetchone() == (5,)
        # money is whole fen on SQLite
        assert conn.execute(
            "SELECT amount FROM disbursement WHERE voucher_no = 'PZ0001'"
        ).fetchone() == (1234567,)
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    finally:
        conn.close()


def test_backup_while_a_writer_holds_the_database(sqlite_source, tmp_path):
    """The app keeps running: an open write transaction neither blocks the backup nor
    leaks its uncommitted rows into it."""
    out = tmp_path / "live.sqlite"
    with sqlite_source.app_context(), unit_of_work("测试"):
        source("ZY99", "5.00")
        db.session.flush()  # written, holding SQLite's write lock, not committed
        started = time.perf_counter()
        backup(out)
        assert time.perf_counter() - started < 5
    conn = sqlite3.connect(out)
    try:
        codes = {c for (c,) in conn.execute("SELECT code FROM fund_source")}
    finally:
        conn.close()
    assert codes == {"ZY01", "SJ01"}


def test_backup_into_a_missing_folder_is_refused(sqlite_source, tmp_path):
    result = sqlite_source.test_cli_runner().invoke(
        args=["backup", str(tmp_path / "nowhere" / "b.sqlite")]
    )
    assert result.exit_code == 1
    assert "不存在" in result.stderr


def test_backup_of_postgresql_points_to_pg_dump(app, runner, tmp_path):
    only_on(app, "postgresql", "SQLite backs up by itself (tests above)")
    out = tmp_path / "pg.dump"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --file" in result.stderr
    assert str(out) in result.stderr and '"$DATABASE_URL"' in result.stderr
    assert not out.exists()
    with app.app_context(), pytest.raises(BackupError):
        backup(out)


# --- restore -------------------------------------------------------------------------


def test_restore_into_an_empty_database_gives_back_every_row(
    app, runner, sqlite_source, tmp_path
):
    """SQLite → SQLite, and on the PostgreSQL run SQLite → PostgreSQL."""
    out = _backup_file(sqlite_source, tmp_path)
    before = dump(sqlite_source)
    assert all(before.values()), "every table should have rows"

    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 0, result.output
    total = sum(len(rows) for rows in before.values())
    assert f"已恢复 {total} 条记录" in result.stdout

    assert dump(app) == before
    with app.app_context():
        paid = db.session.scalar(
            select(Disbursement.amount).where(Disbursement.voucher_no == "PZ0001")
        )
        assert isinstance(paid, Decimal) and paid == Decimal("12345.67")
        reversal = db.session.scalar(
            select(Disbursement).where(Disbursement.voucher_no == "PZ0004")
        )
        assert reversal.reverses.voucher_no == "PZ0001"
        token_user = db.session.scalar(text("SELECT count(*) FROM api_token"))
        assert token_user == 1
    # the ledger goes on: new rows get fresh ids (PostgreSQL's sequences were moved on)
    with app.app_context(), unit_of_work("测试"):
        zy = get_source("ZY01")
        road = get_project("XM001")
        arrive(zy, "1.00", "2024-06-01")
        p = pay("PZ0006", road, zy, "1000.00", "2024-06-02")
        new = create_user("zhao", Role.FINANCE, password="backup pass 1")
        token = create_token(new)
        project("XM003")
        assert p.id > max(r[0] for r in before["disbursement"])
    with app.app_context():
        assert user_for_token(token).username == "zhao"
    assert len(dump(app)["change"]) > len(before["change"])


def test_restore_into_a_database_that_holds_data_is_refused(
    app, runner, sqlite_source, tmp_path
):
    out = _backup_file(sqlite_source, tmp_path)
    with app.app_context(), unit_of_work("测试"):
        source("ZY77", "100.00")
    before = dump(app)
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 1
    assert "目标数据库不是空的" in result.stderr
    assert dump(app) == before


def test_restore_of_another_schema_version_is_refused(app, runner, sqlite_source, tmp_path):
    out = _backup_file(sqlite_source, tmp_path)
    conn = sqlite3.connect(out)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 1
    assert "9999_future" in result.stderr and "版本" in result.stderr
    assert not any(dump(app).values())


def test_restore_of_a_file_that_is_no_backup_is_refused(app, runner, tmp_path):
    bogus = tmp_path / "台账.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1
    assert "不是 fundtrack 的备份文件" in result.stderr

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    result = runner.invoke(args=["restore", str(other)])
    assert result.exit_code == 1
    assert "不是 fundtrack 的备份文件" in result.stderr
    assert not any(dump(app).values())


def test_restore_does_not_change_the_backup_file(app, runner, sqlite_source, tmp_path):
    out = _backup_file(sqlite_source, tmp_path)
    content = out.read_bytes()
    assert runner.invoke(args=["restore", str(out)]).exit_code == 0
    assert out.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("备份")) == [
        out.name, f"{out.name}.files"]  # no -wal, -shm or journal left beside it


def test_restore_into_a_database_without_schema_is_refused(
    app, sqlite_source, tmp_path
):
    only_on(app, "sqlite", "the check is the same on both; an unmigrated SQLite is cheap")
    out = _backup_file(sqlite_source, tmp_path)
    bare = create_app(
        {"TESTING": True, "SECRET_KEY": "t",
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.sqlite'}"},
        instance_path=str(tmp_path / "instance"),
    )
    result = bare.test_cli_runner().invoke(args=["restore", str(out)])
    with bare.app_context():
        db.engine.dispose()
    assert result.exit_code == 1
    assert "fundtrack init-db" in result.stderr


def test_restore_counts_rows_per_table(app, sqlite_source, tmp_path):
    from fundtrack.backup import restore

    out = _backup_file(sqlite_source, tmp_path)
    expected = {name: len(rows) for name, rows in dump(sqlite_source).items()}
    with app.app_context():
        assert restore(out) == expected
        assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 5


def test_restore_keeps_utc_times_whatever_the_session_time_zone(
    app, database, sqlite_source, tmp_path, monkeypatch
):
    """SQLite keeps the history's UTC times without a zone: PostgreSQL must not read them
    in its session's zone (China is 8 hours ahead)."""
    only_on(app, "postgresql", "SQLite stores the times as they come")
    out = _backup_file(sqlite_source, tmp_path)
    monkeypatch.setenv("PGTZ", "Asia/Shanghai")  # libpq sets the session's TimeZone
    china = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database[1]}, instance_path=database[2]
    )
    china.config["BACKEND"] = "postgresql"
    try:
        with china.app_context():
            assert db.session.scalar(text("SHOW TimeZone")) == "Asia/Shanghai"
            db.session.rollback()
        assert china.test_cli_runner().invoke(args=["restore", str(out)]).exit_code == 0
        assert dump(china) == dump(sqlite_source)
    finally:
        with china.app_context():
            db.engine.dispose()


# --- the stored documents (报账要件) --------------------------------------------------


def _documents(app) -> dict[str, bytes]:
    from pathlib import Path

    root = Path(app.config["FUNDTRACK_FILES"])
    return {p.name: p.read_bytes() for p in root.glob("??/*") if p.is_file()}


def test_backup_and_restore_carry_the_documents(app, runner, sqlite_source, tmp_path):
    """SQLite → SQLite, and on the PostgreSQL run SQLite → PostgreSQL; then verify-files
    is clean and each document is served."""
    out = _backup_file(sqlite_source, tmp_path)
    kept = _documents(sqlite_source)
    assert len(kept) == 3
    copied = {p.name: p.read_bytes() for p in (tmp_path / f"{out.name}.files").glob("??/*")}
    assert copied == kept

    assert _documents(app) == {}
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 0, result.output
    assert _documents(app) == kept
    result = runner.invoke(args=["verify-files"])
    assert result.exit_code == 0, result.output
    assert "已校验 3 个附件" in result.output


def test_restore_refuses_a_backup_whose_document_differs(app, runner, sqlite_source, tmp_path):
    out = _backup_file(sqlite_source, tmp_path)
    changed = next((tmp_path / f"{out.name}.files").glob("??/*"))
    changed.write_bytes(changed.read_bytes() + b"x")
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 1
    assert "校验不通过,未恢复任何数据" in result.output and changed.name[:12] in result.output
    assert all(not rows for rows in dump(app).values())


def test_backup_refuses_when_a_stored_document_already_differs(sqlite_source, tmp_path):
    from pathlib import Path

    stored = next(Path(sqlite_source.config["FUNDTRACK_FILES"]).glob("??/*"))
    stored.unlink()
    out = tmp_path / "b.sqlite"
    result = sqlite_source.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 1 and "文件缺失" in result.output
    assert not out.exists()
