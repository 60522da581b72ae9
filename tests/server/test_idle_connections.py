"""Issue 14 item 2: idle and trickling connections must not lock everyone out.

``fundtrack serve`` runs in a process of its own on a free loopback port. 150 idle TCP
connections and a few clients trickling a request one byte at a time stay open while
/healthz is asked: it must answer within a few seconds. With waitress's defaults
(connection_limit 100) it did not answer at all while they stayed open. Every socket
is closed at the end; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from tests.processes import Server, request

pytestmark = pytest.mark.slow

IDLE = 150
TRICKLING = 5


def _open(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    return sock


def _healthz_seconds(port: int, timeout: float = 10) -> tuple[int, float]:
    start = time.monotonic()
    status = request(port, "GET", "/healthz", timeout=timeout)[0]
    return status, time.monotonic() - start


def test_healthz_answers_with_150_idle_connections(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    sockets: list[socket.socket] = []
    with Server(url, tmp_path / "serve.log") as server:
        try:
            for _ in range(IDLE):
                sockets.append(_open(server.port))
            trickling = [_open(server.port) for _ in range(TRICKLING)]
            sockets += trickling
            request_line = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            for i in range(4):
                for sock in trickling:
                    sock.sendall(request_line[i:i + 1])
                status, seconds = _healthz_seconds(server.port)
                assert status == 200, server.output()
                assert seconds < 3, f"/healthz took {seconds:.2f} s"
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()


def test_idle_connections_are_closed_after_the_channel_timeout(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {"FUNDTRACK_CHANNEL_TIMEOUT": "2", "FUNDTRACK_CLEANUP_INTERVAL": "1"}
    with Server(url, tmp_path / "serve.log", **env) as server:
        sockets = [_open(server.port) for _ in range(20)]
        try:
            deadline = time.monotonic() + 15
            for sock in sockets:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                # the server closes an idle connection: recv sees the end of the stream
                assert sock.recv(1) == b""
            assert _healthz_seconds(server.port)[0] == 200
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()


def test_a_body_far_over_the_upload_limit_is_refused_before_it_is_sent(app, tmp_path):
    """waitress refuses from the Content-Length alone: the server never waits for, nor
    buffers, 100 MB that a client announces."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with Server(url, tmp_path / "serve.log", FUNDTRACK_MAX_UPLOAD_MB="1") as server:
        with _open(server.port) as sock:
            sock.sendall(b"POST /api/v1/disbursements HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\n"
                         b"Content-Length: 104857600\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 413")
