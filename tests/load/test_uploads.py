"""Issue 18, under load: 20 MB documents going up and down while 10 clerks post payments.

``fundtrack serve`` (waitress) on PostgreSQL. Phase 1: ten posters alone. Phase 2: the
same ten posters while one client uploads 20 MB PDFs back to back and another downloads
them again. The figures (payments' p50/p95 in both phases, seconds per upload and per
download, the server's resident memory) are printed and written to
artifacts/uploads.json; README "Documents" quotes them. Asserted: every upload is kept
whole (201, the SHA-256 the client computed), every download gives the same bytes, no
answer is a 500, and the server's memory does not grow with the files moved: after
the first uploads (thread buffers, allocator arenas) the second half of phase 2 peaks no
higher than its first half, give or take 16 MB, though it moves as many 20 MB files.

FUNDTRACK_UPLOAD_LOAD_SECONDS (default 20) is the length of each phase.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import threading
import time
from collections import Counter

import pytest

from tests.conftest import PG_URL
from tests.load import clients
from tests.load.test_load import (
    ALLOCATIONS,
    FIRST,
    LAST,
    _percentile,
    _seed,
    load_db,  # noqa: F401  (the fixture)
)
from tests.processes import ROOT, Server, create_token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="the load test runs on PostgreSQL only"),
]

SECONDS = float(os.environ.get("FUNDTRACK_UPLOAD_LOAD_SECONDS", "20"))
CLERKS = 10
#: 20 MB (decimal): the default FUNDTRACK_MAX_FILE_MB (20 MiB) lets it in.
SIZE = 20_000_000
BOUNDARY = "----fundtrack-load-boundary"


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Memory(threading.Thread):
    """Samples the server's resident memory every 0.1 s until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), _rss_kb(self.pid)))
            time.sleep(0.1)


def _pdf(n: int, block: bytes) -> bytes:
    head = f"%PDF-1.4\n% load test upload {n}\n".encode()
    return head + block[: SIZE - len(head)]


def _upload(port: int, token: str, data: bytes, name: str) -> tuple[int, dict, float]:
    """POST /api/v1/attachments, the file sent in 1 MB pieces."""
    pre = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n"
           f"project:XM001\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
           f"name=\"kind\"\r\n\r\n合同\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
           f"name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
           ).encode()
    post = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body():
        yield pre
        for i in range(0, len(data), 1 << 20):
            yield data[i:i + (1 << 20)]
        yield post

    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/v1/attachments", body=body(), headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(pre) + len(data) + len(post))})
        resp = conn.getresponse()
        answer = json.loads(resp.read())
        return resp.status, answer, time.perf_counter() - started
    finally:
        conn.close()


def _download(port: int, token: str, attachment_id: int) -> tuple[int, str, int, float]:
    """GET /api/v1/attachments/<id>, read in 1 MB pieces: status, SHA-256, size, seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", f"/api/v1/attachments/{attachment_id}",
                     headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        digest, size = hashlib.sha256(), 0
        while chunk := resp.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
        return resp.status, digest.hexdigest(), size, time.perf_counter() - started
    finally:
        conn.close()


def _posters(port: int, token: str, seconds: float, tag: int) -> list[clients.Record]:
    pairs = [(p, s) for p, s, _ in ALLOCATIONS]
    run = clients.Run(port, time.monotonic() + seconds, 100_000)
    threads = [threading.Thread(target=clients.poster,
                                args=(run, tag * 100 + n, token, pairs, FIRST, LAST))
               for n in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    assert not any(t.is_alive() for t in threads), "a poster hung"
    return list(run.records)


def _latency(records) -> dict:
    seconds = [r.seconds for r in records if r.action == "payment"]
    return {"payments": len(seconds),
            "status": dict(sorted(Counter(str(r.status) for r in records).items())),
            "p50_ms": round(_percentile(seconds, 50) * 1000, 1),
            "p95_ms": round(_percentile(seconds, 95) * 1000, 1)}


def test_20_mb_uploads_while_ten_clerks_post_payments(load_db, tmp_path):  # noqa: F811
    _, url, instance = load_db
    _seed(url, instance)
    finance = create_token(url, "caizheng", "finance")
    auditor = create_token(url, "shenji", "auditor")
    block = os.urandom(SIZE)
    files = tmp_path / "files"

    with Server(url, tmp_path / "serve.log", FUNDTRACK_FILES=str(files)) as server:
        memory = Memory(server.proc.pid)
        memory.start()
        alone = _posters(server.port, finance, SECONDS, 1)
        rss_alone = max(kb for _, kb in memory.samples)
        busy_from = time.monotonic()

        uploads, downloads, done = [], [], threading.Event()
        uploads_at, downloads_at = [], []  # when each transfer ended

        def uploader():
            n = 0
            while not done.is_set():
                n += 1
                data = _pdf(n, block)
                status, answer, seconds = _upload(server.port, finance, data, f"合同{n}.pdf")
                uploads.append((status, answer, seconds, hashlib.sha256(data).hexdigest()))
                uploads_at.append(time.monotonic())

        def downloader():
            while not done.is_set():
                kept = [u[1]["id"] for u in uploads if u[0] == 201]
                if not kept:
                    time.sleep(0.2)
                    continue
                downloads.append((kept[-1], *_download(server.port, auditor, kept[-1])))
                downloads_at.append(time.monotonic())

        others = [threading.Thread(target=uploader), threading.Thread(target=downloader)]
        for t in others:
            t.start()
        busy = _posters(server.port, finance, SECONDS, 2)
        busy_to = time.monotonic()
        done.set()
        for t in others:
            t.join(timeout=180)
        memory.stop.set()
        memory.join()
        half = (busy_from + busy_to) / 2
        first_half = max(kb for t, kb in memory.samples if busy_from <= t < half)
        second_half = max(kb for t, kb in memory.samples if half <= t <= busy_to)
        moved = {n: sum(1 for t in (uploads_at + downloads_at) if (t < half) == (n == 1))
                 for n in (1, 2)}
        assert "Traceback" not in server.output()

    figures = {
        "database": "postgresql", "server": "fundtrack serve (waitress, 8 threads)",
        "clerks": CLERKS, "seconds_per_phase": SECONDS, "upload_bytes": SIZE,
        "payments_alone": _latency(alone), "payments_with_uploads": _latency(busy),
        "uploads": len(uploads),
        "upload_s": {"p50": round(_percentile([u[2] for u in uploads], 50), 2),
                     "max": round(max(u[2] for u in uploads), 2)},
        "downloads": len(downloads),
        "download_s": {"p50": round(_percentile([d[4] for d in downloads], 50), 2),
                       "max": round(max(d[4] for d in downloads), 2)} if downloads else None,
        "server_rss_mb": {"posters_alone": round(rss_alone / 1024, 1),
                          "uploads_first_half": round(first_half / 1024, 1),
                          "uploads_second_half": round(second_half / 1024, 1)},
        "files_moved": {"first_half": moved[1], "second_half": moved[2]},
    }
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "uploads.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2))
    print("\n" + json.dumps(figures, ensure_ascii=False, indent=2))

    # every upload kept whole, every download the same bytes
    assert uploads and downloads
    for status, answer, _, sha in uploads:
        assert status == 201, answer
        assert answer["sha256"] == sha and answer["size"] == SIZE
    by_id = {u[1]["id"]: u[3] for u in uploads}
    for attachment_id, status, sha, size, _ in downloads:
        assert (status, sha, size) == (200, by_id[attachment_id], SIZE)
    # no payment answered anything the contract does not allow
    for records in (alone, busy):
        assert {r.status for r in records} <= {201, 409, 422}, Counter(
            r.status for r in records)
    # memory does not grow with the files moved (a file is never held whole)
    assert moved[2] >= 4, figures["files_moved"]
    assert second_half - first_half < 16 * 1024, figures["server_rss_mb"]
