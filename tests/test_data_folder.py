"""Issue 13 §3: the data (database, secret key) lives in a folder the user chooses or can
see, never inside the virtual environment; ``fundtrack init-db`` says what it did and
where. Run as a user runs them: ``fundtrack`` in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.processes import ROOT, cli_args


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FUNDTRACK_DATABASE_URL", "FUNDTRACK_SECRET_KEY", "FUNDTRACK_DATA")}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def _fundtrack(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli_args(*args), env=_env(**env), cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_init_db_creates_the_schema_in_the_chosen_data_folder(tmp_path):
    data = tmp_path / "县财政局数据"
    done = _fundtrack("init-db", cwd=tmp_path, FUNDTRACK_DATA=str(data))
    assert done.returncode == 0, done.stderr
    database = data / "fundtrack.sqlite"
    assert database.is_file() and (data / "secret_key").is_file()
    assert "已创建数据库结构" in done.stdout and str(database) in done.stdout
    assert "已是最新" not in done.stdout
    assert str(data) in done.stdout
    assert (data.stat().st_mode & 0o777) == 0o700
    again = _fundtrack("init-db", cwd=tmp_path, FUNDTRACK_DATA=str(data))
    assert again.returncode == 0, again.stderr
    assert "已是最新结构" in again.stdout and "已创建" not in again.stdout


def test_a_relative_data_folder_is_taken_from_the_working_directory(tmp_path):
    done = _fundtrack("init-db", cwd=tmp_path, FUNDTRACK_DATA="instance")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "instance" / "fundtrack.sqlite").is_file()
    assert str(tmp_path / "instance") in done.stdout


def test_by_default_the_data_is_in_the_users_data_folder_not_the_environment(tmp_path):
    home = tmp_path / "home"
    done = _fundtrack("init-db", cwd=tmp_path, HOME=str(home),
                      XDG_DATA_HOME=str(home / ".local" / "share"))
    assert done.returncode == 0, done.stderr
    data = home / ".local" / "share" / "fundtrack"
    assert (data / "fundtrack.sqlite").is_file() and (data / "secret_key").is_file()
    assert str(data) in done.stdout
    assert not Path(sys.prefix, "var", "fundtrack-instance", "fundtrack.sqlite").exists()


@pytest.fixture
def empty_postgresql():
    if not PG_URL:
        pytest.skip("FUNDTRACK_TEST_DATABASE_URL is not set")
    base = make_url(PG_URL)
    name = f"fundtrack_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_init_db_on_an_empty_postgresql_database_says_it_created_it(tmp_path,
                                                                     empty_postgresql):
    env = {"FUNDTRACK_DATA": str(tmp_path / "data"),
           "FUNDTRACK_DATABASE_URL": empty_postgresql}
    done = _fundtrack("init-db", cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert "已创建数据库结构" in done.stdout and "已是最新" not in done.stdout
    assert make_url(empty_postgresql).database in done.stdout
    again = _fundtrack("init-db", cwd=tmp_path, **env)
    assert "已是最新结构" in again.stdout, again.stderr


def test_init_db_points_at_data_left_in_the_old_place(app, runner, tmp_path, monkeypatch):
    """Data kept by an earlier version inside the virtual environment is not silently
    left behind: init-db names both folders and how to keep using it."""
    old = tmp_path / "venv" / "var" / "fundtrack-instance"
    old.mkdir(parents=True)
    (old / "fundtrack.sqlite").write_bytes(b"")
    monkeypatch.delenv("FUNDTRACK_DATABASE_URL", raising=False)
    monkeypatch.setattr(type(app), "auto_find_instance_path", lambda self: str(old))
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert str(old) in result.stderr and f"FUNDTRACK_DATA={old}" in result.stderr
    assert app.instance_path in result.stderr
