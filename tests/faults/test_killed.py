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
#: Kill points, as fractions of the time a whole import took (on PostgreSQL: of the
#: time left once it has begun writing).
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


def _writing(url: str) -> bool:
    """PostgreSQL: has a session on this database begun writing (holds a transaction id)?"""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url).set(database="postgres"))
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = :db AND backend_xid IS NOT NULL"
            ), {"db": make_url(url).database}))
    finally:
        engine.dispose()


def _kill_import(url: str, workbook: str, backend: str, seconds: float,
                 fraction: float) -> str | None:
    """Start an import and SIGKILL it part-way. On PostgreSQL the kill waits until the
    import has begun writing (its session holds a transaction id), then ``fraction`` of
    the rest; on SQLite it comes after ``fraction`` of a whole import's time. Says
    when it struck, or None when the import had finished first (on a machine faster or
    less busy than when the whole import was timed)."""
    proc = subprocess.Popen(cli_args("import", workbook), env=cli_env(url),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        if backend == "postgresql":
            while not _writing(url):
                assert proc.poll() is None, "the import ended before it wrote anything"
                assert time.monotonic() - started < 120, "the import never began writing"
                time.sleep(0.05)
            began = time.monotonic() - started
            time.sleep(max(0.0, seconds - began) * fraction)
            if not _writing(url):
                return None
            when = f"{time.monotonic() - started:.1f}s (writing since {began:.1f}s)"
        else:
            time.sleep(seconds * fraction)
            when = f"{time.monotonic() - started:.1f}s"
        if proc.poll() is not None:
            return None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the import finished: nothing killed"
        return when
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_import_killed_half_way_leaves_all_or_nothing(app, workbook, fraction):
    seconds, whole = full_import(app, workbook)
    assert whole["project"] == PROJECTS and whole["change"] > 0
    nothing = {name: 0 for name in whole}
    assert counts(app) == nothing

    for attempt in range(4):
        when = _kill_import(_url(app), workbook, app.config["BACKEND"], seconds, fraction)
        if when is not None:
            break
        empty(app)  # the import finished before the kill: strike earlier
        # the last try strikes as soon as it can (on PostgreSQL: the moment the import
        # begins writing; its batched writes may take less than any fraction of the rest)
        fraction = fraction / 2 if attempt < 2 else 0.0
    else:
        pytest.fail("the import always finished before the kill")

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
