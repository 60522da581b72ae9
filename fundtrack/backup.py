"""``fundtrack backup`` and ``fundtrack restore``: the whole database to a file and back.

A backup is a SQLite database file. On SQLite it is taken with SQLite's online backup,
a consistent copy of the last committed state while the app keeps running. PostgreSQL is
backed up with its own tool, ``pg_dump`` (the README gives the command).

Restore loads such a file into the app's configured database, SQLite or PostgreSQL,
which must already have the schema (``fundtrack init-db``, the same migration as the
backup) and be empty. Rows are read and written through the model metadata, so each
column type converts its values on both sides (money is whole fen on SQLite and
``Numeric`` on PostgreSQL). Everything is copied in one transaction: all or nothing.

The stored documents (报账要件, FUNDTRACK_FILES) travel beside the database file, in the
folder ``OUT.files`` (``files_folder``), laid out as the store is. Restore checks each
document the backup lists against its SHA-256 before copying it into the store, and
refuses the whole restore when one differs or is missing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import DateTime, Integer, create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .attachments import storage
from .extensions import db
from .models import data_tables

SQLITE_HEADER = b"SQLite format 3\x00"
#: Rows read and inserted at a time.
CHUNK = 1000


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


# --- backup ------------------------------------------------------------------------


def backup(out: str | os.PathLike) -> None:
    """Copy the app's whole database to the file ``out`` (replaced if it exists)."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        raise BackupError(
            "PostgreSQL 数据库请用 pg_dump 备份:"
            f"pg_dump --format=custom --file {shlex.quote(str(out))} \"$DATABASE_URL\""
            "(DATABASE_URL 为 postgresql://用户@主机/库名 形式的连接地址,不带 +psycopg);"
            f"附件文件夹「{storage.root()}」请另行复制"
        )
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"不支持备份 {url.get_backend_name()} 数据库")
    path = url.database
    if not path or path == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("内存数据库无法备份")
    source_path = Path(path).resolve()
    target = Path(out).absolute()
    if not source_path.is_file():
        raise BackupError(f"数据库文件「{source_path}」不存在")
    if target.resolve() == source_path:
        raise BackupError("备份文件不能是数据库文件本身")
    if not target.parent.is_dir():
        raise BackupError(f"目录「{target.parent}」不存在")
    if target.is_dir():
        raise BackupError(f"「{target}」是一个目录")

    fd, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # read-only: a missing or broken database is never created or changed here
        src = sqlite3.connect(f"{source_path.as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # one step: a consistent snapshot of what is committed
                # a self-contained file, whatever the journal mode of the live database
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _backup_files(tmp, files_folder(target))
        os.replace(tmp, target)
    except sqlite3.Error as e:
        raise BackupError(f"备份失败:{e}") from e
    except OSError as e:
        raise BackupError(f"无法写入备份文件「{target}」:{e.strerror or e}") from e
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def files_folder(backup_file: Path) -> Path:
    """Where a backup's stored documents are: ``OUT.files`` beside the file."""
    return Path(f"{backup_file}.files")


def _attachment_hashes(conn) -> list[tuple[str, str]]:
    """(sha256, filename) of every attachment a database lists."""
    if not inspect(conn).has_table("attachment"):
        return []
    return [tuple(r) for r in conn.execute(
        text("SELECT sha256, filename FROM attachment ORDER BY id"))]


def _backup_files(snapshot: Path, folder: Path) -> None:
    """Copy the documents the snapshot lists (and only those) into ``folder``; refused,
    nothing replaced, when one in the store already differs from its hash."""
    # sqlite3 read-only: the snapshot stays as it is (no engine to switch it to WAL)
    conn = sqlite3.connect(f"{snapshot.resolve().as_uri()}?mode=ro", uri=True)
    try:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachment'").fetchone()
        listed = conn.execute(
            "SELECT sha256, filename FROM attachment ORDER BY id").fetchall() if has else []
    finally:
        conn.close()
    if not listed:
        return
    bad = storage.problems(sha for sha, _ in listed)
    if bad:
        raise BackupError("附件校验不通过,未备份:" + ";".join(
            f"{name}({sha[:12]}):{bad[sha]}" for sha, name in listed if sha in bad))
    for sha in sorted({sha for sha, _ in listed}):
        storage.copy_into(sha, storage.root(), folder)


# --- restore -----------------------------------------------------------------------


def restore(infile: str | os.PathLike) -> dict[str, int]:
    """Load the backup ``infile`` into the app's empty database; rows copied per table."""
    path = Path(infile)
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise BackupError(f"无法读取备份文件「{path}」:{e.strerror or e}") from e
    if header != SQLITE_HEADER:
        raise BackupError(f"「{path}」不是 fundtrack 的备份文件(不是 SQLite 数据库)")

    # Read a private copy: opening the file would otherwise switch it to WAL mode.
    with tempfile.TemporaryDirectory(prefix="fundtrack-restore-") as work:
        copy = Path(work) / "backup.sqlite"
        try:
            shutil.copyfile(path, copy)
        except OSError as e:
            raise BackupError(f"无法读取备份文件「{path}」:{e.strerror or e}") from e
        source = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
        try:
            with source.connect() as src:
                return _restore_from(src, path)
        except SQLAlchemyError as e:
            raise BackupError(f"无法读取备份文件「{path}」:{getattr(e, 'orig', e)}") from e
        finally:
            source.dispose()


def _versions(conn: Connection) -> set[str]:
    return set(conn.scalars(text("SELECT version_num FROM alembic_version")))


def _restore_from(src: Connection, path: Path) -> dict[str, int]:
    tables = data_tables()
    present = set(inspect(src).get_table_names())
    if "alembic_version" not in present:
        raise BackupError(f"「{path}」不是 fundtrack 的备份文件(没有数据库版本记录)")
    missing = [t.name for t in tables if t.name not in present]
    if missing:
        raise BackupError(f"备份文件缺少数据表:{'、'.join(missing)}")
    backup_versions = _versions(src)

    try:
        conn = db.session.connection()  # SQLite: BEGIN IMMEDIATE, the write lock
        if not inspect(conn).has_table("alembic_version"):
            raise BackupError("目标数据库还没有建表,请先运行 fundtrack init-db")
        target_versions = _versions(conn)
        if backup_versions != target_versions:
            raise BackupError(
                f"备份文件的数据库版本({'、'.join(sorted(backup_versions)) or '无'})"
                f"与目标数据库({'、'.join(sorted(target_versions)) or '无'})不同,"
                "请用同一版本的 fundtrack 恢复"
            )
        if conn.dialect.name == "postgresql":
            names = ", ".join(conn.dialect.identifier_preparer.quote(t.name) for t in tables)
            conn.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
        not_empty = [t.name for t in tables if conn.scalar(select(select(t).exists()))]
        if not_empty:
            raise BackupError(
                f"目标数据库不是空的(已有数据的表:{'、'.join(not_empty)}),"
                "只能恢复到刚建好表的空数据库"
            )
        counts = {t.name: _copy_table(src, conn, t) for t in tables}
        _restore_files(src, path)
        if conn.dialect.name == "postgresql":
            for t in tables:
                _reset_sequence(conn, t)
        db.session.commit()
    except SQLAlchemyError as e:
        db.session.rollback()
        raise BackupError(f"恢复失败,未写入任何数据:{getattr(e, 'orig', e)}") from e
    except BaseException:
        db.session.rollback()
        raise
    return counts


def _restore_files(src: Connection, path: Path) -> None:
    """Check each document the backup lists against its SHA-256, then copy it into the
    store; BackupError (nothing restored) when one differs or is missing."""
    listed = _attachment_hashes(src)
    if not listed:
        return
    folder = files_folder(path)
    bad = storage.problems((sha for sha, _ in listed), folder)
    if bad:
        raise BackupError(f"备份的附件(「{folder}」)校验不通过,未恢复任何数据:" + ";".join(
            f"{name}({sha[:12]}):{bad[sha]}" for sha, name in listed if sha in bad))
    for sha in sorted({sha for sha, _ in listed}):
        storage.copy_into(sha, folder, storage.root())


def _utc_aware(table) -> list[str]:
    """Columns of timestamps with a time zone: stored in UTC, naive on SQLite."""
    return [c.key for c in table.columns if isinstance(c.type, DateTime) and c.type.timezone]


def _copy_table(src: Connection, dst: Connection, table) -> int:
    """Copy one table in primary-key order (a reversal after the payment it names)."""
    aware = _utc_aware(table)
    result = src.execution_options(stream_results=True).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    n = 0
    for chunk in result.partitions(CHUNK):
        rows = []
        for row in chunk:
            values = {c.key: row._mapping[c] for c in table.columns}
            for key in aware:
                value = values[key]
                if value is not None and value.tzinfo is None:
                    values[key] = value.replace(tzinfo=dt.UTC)
            rows.append(values)
        dst.execute(table.insert(), rows)
        n += len(rows)
    return n


def _reset_sequence(conn: Connection, table) -> None:
    """Let PostgreSQL's id sequence continue after the restored ids."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, Integer):
        return
    column = pk[0]
    quoted = conn.dialect.identifier_preparer.quote(table.name)
    sequence = conn.scalar(select(func.pg_get_serial_sequence(quoted, column.name)))
    if sequence is None:
        return
    top = conn.scalar(select(func.max(column)))
    conn.execute(
        select(func.setval(sequence, top if top is not None else 1, top is not None))
    )
