"""Databases for the benchmark and the bulk loader.

The loader bypasses the services (they are timed separately, by the import): it inserts
the generated rows with SQLAlchemy Core ``executemany`` on SQLite and with ``COPY`` on
PostgreSQL. Values are converted by the models' own column types (``Money`` writes whole
fen on SQLite and a decimal on PostgreSQL, ``EnumCode`` the code), never re-encoded here.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator

from fundtrack import create_app
from fundtrack.extensions import db

from .generate import Ledger

HERE = Path(__file__).parent
WORK = HERE / "work"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

#: Ledger attribute → table, in the order foreign keys need.
TABLES = (("units", "unit"), ("projects", "project"), ("milestones", "milestone"),
          ("sources", "fund_source"), ("arrivals", "fund_arrival"),
          ("allocations", "allocation"), ("disbursements", "disbursement"))
CHUNK = 20_000

BENCH_USER = "bench"
BENCH_PASSWORD = "bench password 2026"


def make_app(url: str, instance: Path | None = None):
    instance = instance or WORK / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("FUNDTRACK_SECRET_KEY", "bench-secret")
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "FUNDTRACK_REGION": "测试市", "WTF_CSRF_ENABLED": False},
        instance_path=str(instance),
    )


def fresh_database(backend: str, name: str) -> str:
    """An empty, migrated database called ``name``; its URL."""
    if backend == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        base = make_url(PG_BASE)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
    migrate(url)
    return url


def existing_database(backend: str, name: str) -> str | None:
    if backend == "sqlite":
        path = WORK / f"{name}.sqlite"
        return f"sqlite:///{path}" if path.exists() else None
    base = make_url(PG_BASE)
    admin = create_engine(base)
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False) if found else None


def drop_database(backend: str, url: str) -> None:
    if backend == "sqlite":
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(make_url(PG_BASE), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


def _converters(table, dialect):
    out = []
    for column in table.columns:
        t = column.type
        out.append((column.name, (lambda v, t=t: t.process_bind_param(v, dialect))
                    if isinstance(t, TypeDecorator) else None))
    return out


def load(app, ledger: Ledger) -> dict[str, int]:
    """Insert every generated row; returns rows per table."""
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect
        counts = {}
        with engine.begin() as conn:
            for attr, name in TABLES:
                table = db.metadata.tables[name]
                rows = getattr(ledger, attr)
                counts[name] = len(rows)
                if dialect.name == "postgresql":
                    _copy(conn, table, rows, dialect)
                else:
                    for i in range(0, len(rows), CHUNK):
                        conn.execute(table.insert(), rows[i:i + CHUNK])
            if dialect.name == "postgresql":
                for _, name in TABLES:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"))
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        _bench_user()
    return counts


def _copy(conn, table, rows, dialect) -> None:
    convert = _converters(table, dialect)
    names = [n for n, _ in convert]
    # a column the generator leaves out takes its model default, as an INSERT would give it
    defaults = {c.name: c.default.arg if c.default is not None and c.default.is_scalar
                else None for c in table.columns}
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            values = [row.get(n, defaults[n]) for n in names]
            copy.write_row([f(v) if f else v for v, (_, f) in zip(values, convert,
                                                                   strict=True)])


def _bench_user() -> None:
    from fundtrack.accounts.service import create_user
    from fundtrack.database import unit_of_work
    from fundtrack.enums import Role

    with unit_of_work("bench"):
        create_user(BENCH_USER, Role.AUDITOR, password=BENCH_PASSWORD)
