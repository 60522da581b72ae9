"""``fundtrack import`` and ``fundtrack export`` killed with SIGKILL half-way, on SQLite
and PostgreSQL: the database holds all of the workbook or none of it (and takes the
workbook afterwards), and no partial workbook is ever found at the export's path.

Where temporary files go: the export writes ``.<name>.<hex>.tmp`` beside the target and
renames it at the end; xlsxwriter (constant_memory) keeps each sheet's rows in a temporary
file of the system's temp folder (TMPDIR) until the workbook is closed. A SIGKILL leaves
those behind, since no code runs after it; never a file at the target path.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import openpyxl
import pytest
from sqlalchemy import delete, func, select, text

from fundtrack.extensions import db
from fundtrack.models import data_tables
from tests.faults.bigbook import big_book
from tests.processes import cli_args, cli_env, run_cli

pytestmark = pytest.mark.slow

PROJECTS = 100
#: Kill points, as fractions of the time a whole import took (on PostgreSQL: spread
#: along the tables it writes, see _kill_import).
FRACTIONS = (0.2, 0.4, 0.6)
#: backend → (seconds a whole import took, rows per table after it)
_FULL: dict[str, tuple[float, dict[str, int]]] = {}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return big_book(PROJECTS).save(tmp_path_factory.mktemp("big") / "大台账.xlsx")


def counts(app) -> dict[str, int]:
    with app.app_context():
        out = {t.name: db.session.scalar(select(func.count()).select_from(t))
               for t in data_tables()}
        db.session.rollback()
        db.engine.dispose()
    return out


def empty(app) -> None:
    with app.app_context():
        if app.config["BACKEND"] == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(t))
        db.session.commit()
        db.engine.dispose()


def _url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def full_import(app, workbook) -> tuple[float, dict[str, int]]:
    """Import the whole workbook once (timed), note the rows, and empty the database."""
    backend = app.config["BACKEND"]
    if backend not in _FULL:
        started = time.monotonic()
        done = run_cli(_url(app), "import", workbook)
        seconds = time.monotonic() - started
        assert done.returncode == 0, done.stderr[-2000:]
        _FULL[backend] = (seconds, counts(app))
        empty(app)
    return _FULL[backend]


def _written(whole: dict[str, int]) -> list[str]:
    """The tables a whole import fills, in the order it writes them: parents before
    children, the change history (inserted together at its end) last."""
    names = [name for name, rows in whole.items() if rows and name != "change"]
    return names + ["change"]


def _blocked_writer(conn, database: str) -> bool | None:
    """PostgreSQL: is a session on ``database`` waiting for a table's lock? None if not;
    else whether it had begun writing before (holds a transaction id)."""
    row = conn.execute(text(
        "SELECT backend_xid IS NOT NULL FROM pg_stat_activity "
        "WHERE datname = :db AND wait_event_type = 'Lock' AND wait_event = 'relation'"
    ), {"db": database}).first()
    return None if row is None else row[0]


def _kill_import_postgresql(url: str, workbook: str, table: str) -> str:
    """Start an import with ``table`` held in SHARE mode by another session (it may be
    read, not written), wait until the import stands at its write to that table with
    everything it wrote before in its open transaction, SIGKILL it, then let the lock go.
    Where it strikes is chosen, not timed: the import's writes are batched and take a few
    tenths of a second, which no polling of a clock hits reliably."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    holder = create_engine(url)
    watcher = create_engine(make_url(url).set(database="postgres"))
    try:
        with holder.connect() as held, watcher.connect() as watch:
            held.execute(text(f'LOCK TABLE "{table}" IN SHARE MODE'))
            proc = subprocess.Popen(cli_args("import", workbook), env=cli_env(url),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                started = time.monotonic()
                while (writing := _blocked_writer(watch, database)) is None:
                    assert proc.poll() is None, f"the import ended without writing {table}"
                    assert time.monotonic() - started < 120, f"the import never wrote {table}"
                    time.sleep(0.02)
                    watch.rollback()  # a fresh snapshot of pg_stat_activity
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                assert proc.returncode == -signal.SIGKILL
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            held.rollback()  # the lock goes; the killed import's session ends unfinished
        assert writing, f"the import had written nothing before {table}: not half-way"
        return f"{time.monotonic() - started:.1f}s, at its write to {table}"
    finally:
        holder.dispose()
        watcher.dispose()


def _kill_import_sqlite(workbook: str, url: str, seconds: float, fraction: float) -> str | None:
    """Start an import and SIGKILL it after ``fraction`` of a whole import's time. Says
    when it struck, or None when the import had finished first (on a machine faster or
    less busy than when the whole import was timed)."""
    proc = subprocess.Popen(cli_args("import", workbook), env=cli_env(url),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        time.sleep(seconds * fraction)
        if proc.poll() is not None:
            return None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the import finished: nothing killed"
        return f"{time.monotonic() - started:.1f}s"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _kill_import(app, workbook: str, seconds: float, whole: dict[str, int],
                 fraction: float) -> str:
    """Kill an import part-way: on SQLite after ``fraction`` of a whole import's time,
    earlier each time the import finished first; on PostgreSQL at its write to one of the
    tables it writes, the kill points spread over them (the first after some tables are
    written, the last at the change history, when all the records are)."""
    if app.config["BACKEND"] == "postgresql":
        tables = _written(whole)
        table = tables[max(1, round(fraction / FRACTIONS[-1] * (len(tables) - 1)))]
        return _kill_import_postgresql(_url(app), workbook, table)
    for attempt in range(4):
        when = _kill_import_sqlite(workbook, _url(app), seconds, fraction)
        if when is not None:
            return when
        empty(app)  # the import finished before the kill: strike earlier
        fraction = fraction / 2 if attempt < 2 else 0.0
    pytest.fail("the import always finished before the kill")


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_import_killed_half_way_leaves_all_or_nothing(app, workbook, fraction):
    seconds, whole = full_import(app, workbook)
    assert whole["project"] == PROJECTS and whole["change"] > 0
    nothing = {name: 0 for name in whole}
    assert counts(app) == nothing

    when = _kill_import(app, workbook, seconds, whole, fraction)

    after = counts(app)
    assert after in (nothing, whole), after
    if after == nothing:  # the database is not left locked or damaged: it takes the book
        done = run_cli(_url(app), "import", workbook)
        assert done.returncode == 0, done.stderr[-2000:]
        assert counts(app) == whole
    print(f"\n{app.config['BACKEND']}: import killed after {when} of {seconds:.1f}s: "
          f"{'none' if after == nothing else 'all'} of the workbook")


def _values(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def _export(url: str, target, temp, kill_after: float | None) -> tuple[bool, float]:
    """Start an export; once xlsxwriter has begun writing rows (its temp files appear in
    TMPDIR), wait ``kill_after`` seconds and SIGKILL it (None: let it finish). Returns
    (killed, seconds from the first temp file to the end)."""
    proc = subprocess.Popen(cli_args("export", str(target), "--as-of", "2024-06-30"),
                            env=cli_env(url, TMPDIR=str(temp)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not os.listdir(temp) and proc.poll() is None:
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.005)
    began = time.monotonic()
    if kill_after is None:
        proc.wait()
        return False, time.monotonic() - began
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc.returncode == -signal.SIGKILL, time.monotonic() - began


@pytest.mark.parametrize("share", (0.0, 0.25, 0.5))
def test_export_killed_half_way_leaves_no_partial_file(app, workbook, share, tmp_path):
    """Killed at the start of writing, a quarter and half of the way through (of the
    time a whole export takes to write on this machine, measured first)."""
    full_import(app, workbook)
    done = run_cli(_url(app), "import", workbook)
    assert done.returncode == 0, done.stderr[-2000:]
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "台账.xlsx"
    temp = tmp_path / "temp-whole"
    temp.mkdir()
    _, writing = _export(_url(app), target, temp, None)
    assert target.exists()
    good, good_values = target.read_bytes(), _values(target)
    delay = share * writing

    killed = []
    # a fresh target: nothing may appear at its path, or else the whole workbook
    fresh = folder / "新台账.xlsx"
    temp = tmp_path / "temp-fresh"
    temp.mkdir()
    killed.append(_export(_url(app), fresh, temp, delay)[0])
    assert not fresh.exists() or _values(fresh) == good_values
    # an existing target: it stays the previous, whole workbook (or the new whole one)
    temp = tmp_path / "temp-old"
    temp.mkdir()
    killed.append(_export(_url(app), target, temp, delay)[0])
    assert target.read_bytes() == good or _values(target) == good_values
    assert any(killed), "no export was killed before it finished"
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in (target.name,
                                                                           fresh.name))
    assert all(name.startswith((f".{fresh.name}.", f".{target.name}."))
               and name.endswith(".tmp") for name in leftovers), leftovers
    print(f"\n{app.config['BACKEND']}: exports killed {delay}s after they began writing: "
          f"{killed}; left beside the target: {leftovers or 'nothing'}; in TMPDIR: "
          f"{sum(len(os.listdir(tmp_path / t)) for t in ('temp-fresh', 'temp-old'))} file(s)")
    empty(app)
