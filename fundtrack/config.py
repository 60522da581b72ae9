"""Settings, read from the environment (``FUNDTRACK_*``) when the app is created."""

from __future__ import annotations

import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path


def data_folder() -> Path:
    """Where the data lives: the SQLite database, the secret key, uploads in progress.

    ``FUNDTRACK_DATA`` when set (made absolute against the working directory); else the
    platform's folder for a user's application data: ``$XDG_DATA_HOME/fundtrack`` or
    ``~/.local/share/fundtrack`` on Linux, ``%LOCALAPPDATA%\\fundtrack`` on Windows,
    ``~/Library/Application Support/fundtrack`` on macOS. Never inside the virtual
    environment: rebuilding it must not lose the ledger. ``fundtrack init-db`` and
    ``fundtrack serve`` print it.
    """
    chosen = os.environ.get("FUNDTRACK_DATA")
    if chosen:
        return Path(chosen).expanduser().resolve()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser().resolve() / "fundtrack"


def _secret_key(instance_path: Path) -> str:
    """The secret key: from the environment, else generated once into the instance folder."""
    env = os.environ.get("FUNDTRACK_SECRET_KEY")
    if env:
        return env
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _upload_limit() -> int:
    """FUNDTRACK_MAX_UPLOAD_MB (default 20) in bytes; a value that is no number stops
    the start-up rather than silently lifting the limit."""
    text = os.environ.get("FUNDTRACK_MAX_UPLOAD_MB", "20")
    try:
        megabytes = Decimal(text)
    except ArithmeticError:
        raise ValueError(
            f"FUNDTRACK_MAX_UPLOAD_MB must be a number of megabytes: {text!r}") from None
    if not megabytes.is_finite() or megabytes <= 0:
        raise ValueError(f"FUNDTRACK_MAX_UPLOAD_MB must be positive: {text!r}")
    return int(megabytes * 1024 * 1024)


def _max_import_rows() -> int:
    """FUNDTRACK_MAX_IMPORT_ROWS (default 200,000): the most data rows one import may
    hold, from the web or the command line (workbook/reading.py)."""
    from .workbook.reading import DEFAULT_MAX_IMPORT_ROWS

    text = os.environ.get("FUNDTRACK_MAX_IMPORT_ROWS", str(DEFAULT_MAX_IMPORT_ROWS))
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"FUNDTRACK_MAX_IMPORT_ROWS must be a whole number >= 1: {text!r}")
    return int(text)


def _file_limit(request_limit: int) -> int:
    """FUNDTRACK_MAX_FILE_MB (default 20, at most the request limit) in bytes: the size
    limit of one stored document (报账要件)."""
    text = os.environ.get("FUNDTRACK_MAX_FILE_MB", "20")
    try:
        megabytes = Decimal(text)
    except ArithmeticError:
        raise ValueError(
            f"FUNDTRACK_MAX_FILE_MB must be a number of megabytes: {text!r}") from None
    if not megabytes.is_finite() or megabytes <= 0:
        raise ValueError(f"FUNDTRACK_MAX_FILE_MB must be positive: {text!r}")
    return min(int(megabytes * 1024 * 1024), request_limit)


def _figure_cache_entries() -> int:
    """FUNDTRACK_FIGURE_CACHE (default 256): how many computed figures each process keeps
    (fundtrack/cache); 0 keeps none."""
    text = os.environ.get("FUNDTRACK_FIGURE_CACHE", "256")
    if not text.strip().isdigit():
        raise ValueError(f"FUNDTRACK_FIGURE_CACHE must be a whole number >= 0: {text!r}")
    return int(text)


def _whole_number(variable: str, default: int, low: int, high: int) -> int:
    """A whole-number setting within [low, high]; anything else stops the start-up."""
    text = os.environ.get(variable, str(default)).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{variable} must be a whole number from {low} to {high}: {text!r}")
    return int(text)


def load(instance_path: str) -> dict:
    """Configuration for an app whose instance folder is ``instance_path``."""
    inst = Path(instance_path)
    # the data folder holds the secret key: only its owner may look inside
    inst.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = os.environ.get("FUNDTRACK_DATABASE_URL") or f"sqlite:///{inst / 'fundtrack.sqlite'}"
    upload_limit = _upload_limit()
    return {
        "SECRET_KEY": _secret_key(inst),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        #: Uploaded workbooks (any request body) are limited to this size (bytes).
        "MAX_CONTENT_LENGTH": upload_limit,
        #: The most data rows one imported workbook may hold.
        "FUNDTRACK_MAX_IMPORT_ROWS": _max_import_rows(),
        #: An import not done within this many seconds goes on in the background and
        #: its page shows its progress (fundtrack/jobs.py).
        "FUNDTRACK_PROGRESS_AFTER": 1.0,
        #: The stored documents (报账要件): their folder and one file's size limit.
        "FUNDTRACK_FILES": str(Path(os.environ["FUNDTRACK_FILES"]).expanduser().resolve())
        if os.environ.get("FUNDTRACK_FILES") else str(inst / "files"),
        "FUNDTRACK_MAX_FILE_BYTES": _file_limit(upload_limit),
        #: The county whose ledger this is; heads every computed sheet and ledger reply.
        "FUNDTRACK_REGION": os.environ.get("FUNDTRACK_REGION", "示范县"),
        #: Reporting upward (上报): this instance's level (县, 市 or 省), whether it
        #: collects packages from lower regions, and the upper region's address.
        "FUNDTRACK_LEVEL": os.environ.get("FUNDTRACK_LEVEL", "县"),
        "FUNDTRACK_COLLECTS": os.environ.get("FUNDTRACK_COLLECTS", "") in ("1", "true", "yes"),
        "FUNDTRACK_UPWARD_URL": os.environ.get("FUNDTRACK_UPWARD_URL", ""),
        "FUNDTRACK_UPWARD_TOKEN": os.environ.get("FUNDTRACK_UPWARD_TOKEN", ""),
        #: What "today" is: the default as-of date of every figure.
        "FUNDTRACK_TIMEZONE": os.environ.get("FUNDTRACK_TIMEZONE", "Asia/Shanghai"),
        #: Computed figures kept per process until the data changes (0: none).
        "FUNDTRACK_FIGURE_CACHE": _figure_cache_entries(),
        #: How passwords are hashed (werkzeug's method string). The default is werkzeug's
        #: own; the test suite chooses a cheap one, since it creates users by the thousand.
        "PASSWORD_HASH_METHOD": "scrypt",
        #: Days an API token is valid when its issuer names none (create-token --days).
        "FUNDTRACK_TOKEN_DAYS": _whole_number("FUNDTRACK_TOKEN_DAYS", 90, 1, 3650),
        #: Hours a browser session lasts at most after sign-in (sign-out ends it sooner).
        "FUNDTRACK_SESSION_HOURS": _whole_number("FUNDTRACK_SESSION_HOURS", 12, 1, 24 * 30),
        #: A single project above this total investment (yuan) must be tendered (招标).
        "FUNDTRACK_TENDER_THRESHOLD": Decimal(
            os.environ.get("FUNDTRACK_TENDER_THRESHOLD", "100000")
        ),
    }


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # A busy database waits (up to 30 s) instead of failing; see database.py.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}
