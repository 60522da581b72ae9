"""The app as a user runs it: ``fundtrack`` commands and ``fundtrack serve`` (waitress) in
subprocesses of their own, on a database given by URL, for the load and fault tests.

The subprocess imports this checkout's fundtrack (PYTHONPATH), reads its database from
FUNDTRACK_DATABASE_URL like a deployment would, and never writes a secret key file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        FUNDTRACK_DATABASE_URL=url,
        FUNDTRACK_SECRET_KEY="test-secret",
        # the data folder of a checkout (git-ignored), never the user's own
        FUNDTRACK_DATA=str(ROOT / "instance"),
        FUNDTRACK_REGION="测试县",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def cli_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "fundtrack", *args]


def run_cli(url: str, *args: str, stdin: str | None = None, timeout: float = 300,
            cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_args(*args), env=cli_env(url), input=stdin, capture_output=True, text=True,
        timeout=timeout, cwd=cwd,
    )


def create_token(url: str, username: str, role: str, unit: str | None = None) -> str:
    """A user made with ``fundtrack create-user``, and a token from ``create-token``."""
    args = ["create-user", username, "--role", role, "--password-stdin"]
    if unit:
        args += ["--unit", unit]
    done = run_cli(url, *args, stdin="correct horse 2024\n")
    assert done.returncode == 0, done.stderr
    done = run_cli(url, "create-token", username)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def request(port: int, method: str, path: str, body=None, token: str | None = None,
            timeout: float = 30) -> tuple[int, bytes, dict]:
    """One HTTP request on a new connection: (status, body, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read(), dict(resp.getheaders())
    finally:
        conn.close()


class Server:
    """``fundtrack serve`` on a free port of 127.0.0.1, its output kept in ``log``."""

    def __init__(self, url: str, log: Path, **env: str):
        self.url = url
        self.port = free_port()
        self.log_path = log
        self.env = cli_env(url, **env)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in __exit__)
        self.proc = subprocess.Popen(
            cli_args("serve", "--port", str(self.port)), env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"server exited: {self.output()}"
            with contextlib.suppress(OSError):
                if request(self.port, "GET", "/healthz", timeout=5)[0] == 200:
                    return self
            assert time.monotonic() < deadline, f"server did not answer: {self.output()}"
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def get(self, path: str, token: str | None = None):
        return request(self.port, "GET", path, token=token)
