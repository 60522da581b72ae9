"""Reporting upward at scale (issue 20): a collecting instance with 1,000 registered
lower regions (a province's worth of counties), a year of their monthly packages, then
one month's 1,000 packages received one by one through ``POST /api/v1/packages`` (each
signed by its own Ed25519 key, with a 40-channel 资金台账), and the roll-up of that
month: its API, its page and its workbook.

    python -m bench upward --db postgresql [--regions 1000] [--months 12]

The packages are county packages (level 县) received by a 市 instance: the level check
allows nothing else, and a county's package (40 ledger rows) is the heavier kind to
check. Results go to bench/results/upward-<db>.json.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import statistics
import time
from decimal import Decimal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event

from fundtrack.extensions import db

CHANNELS = 40
#: The month received through the API; the earlier months are put in directly.
MONTH = "2026-10"
ADMIN, PASSWORD = "bench_admin", "bench password 2026"


def _public(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _months(last: str, n: int) -> list[str]:
    year, month = map(int, last.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _month_end(month: str) -> dt.date:
    year, m = map(int, month.split("-"))
    first_next = dt.date(year + m // 12, m % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def county_package(i: int, key: Ed25519PrivateKey, month: str) -> dict:
    """A county's signed package of ``month``: 40 channels whose figures add up."""
    from fundtrack.reporting import package

    rows, total = [], dict.fromkeys(package.LEDGER_AMOUNTS, Decimal("0.00"))
    for c in range(CHANNELS):
        issued = Decimal(1_000_000 + 7919 * ((i * CHANNELS + c) % 997)) / 1
        arrived = (issued * Decimal("0.8")).quantize(Decimal("0.01"))
        allocated = (issued * Decimal("0.7")).quantize(Decimal("0.01"))
        spent = (allocated * Decimal((i + c) % 90 + 5) / 100).quantize(Decimal("0.01"))
        row = {"amount_issued": issued.quantize(Decimal("0.01")), "arrived": arrived,
               "allocated": allocated, "spent": spent}
        for k in total:
            total[k] += row[k]
        rows.append({"source_code": f"ZY{c:03d}", **{k: str(v) for k, v in row.items()}})
    summary = {"amount_issued": str(total["amount_issued"]), "arrived": str(total["arrived"]),
               "spent": str(total["spent"]), "recovered": "0.00", "projects": 300,
               "started": 200 + i % 50, "completed": 100 + i % 40, "overdue_count": i % 30}
    body = {"format": package.FORMAT, "region": f"县{i:04d}", "level": "县", "month": month,
            "ends_on": _month_end(month).isoformat(),
            "closed_at": dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC).isoformat(),
            "fund_ledger": {"rows": rows, "total": {k: str(v) for k, v in total.items()},
                            "digest": "0" * 64},
            "summary": summary, "public_key": _public(key)}
    body["signature"] = base64.b64encode(key.sign(package.canonical(body))).decode("ascii")
    return body


def _counting(engine):
    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
            seen.append(statement)
    return seen, count


def measure(app, regions: int = 1000, months: int = 12, runs: int = 5) -> dict:
    """Fill ``app`` (an empty, migrated database) and measure; the figures as a dict."""
    from fundtrack.accounts.service import create_user
    from fundtrack.database import unit_of_work
    from fundtrack.enums import Role
    from fundtrack.reporting import package, service
    from fundtrack.reporting.models import ReportPackage

    app.config.update(FUNDTRACK_COLLECTS=True, FUNDTRACK_LEVEL="市")
    keys = [Ed25519PrivateKey.generate() for _ in range(regions)]
    earlier = _months(MONTH, months)[:-1]
    t = time.perf_counter()
    with app.app_context():
        with unit_of_work("bench"):
            create_user(ADMIN, Role.ADMIN, password=PASSWORD)
            for i, key in enumerate(keys):
                service.add_region(f"县{i:04d}", _public(key))
        at = dt.datetime(2026, 11, 5, tzinfo=dt.UTC)
        for month in earlier:  # the year before, put in directly (checked once each)
            with unit_of_work("bench"):
                for i, key in enumerate(keys):
                    body = county_package(i, key, month)
                    figures = package.check(body)
                    db.session.add(ReportPackage(
                        region=figures["region"], level="县", month=month, received_at=at,
                        received_by="bench", digest=package.digest(body), body=body,
                        **{k: figures[k] for k in (*package.AMOUNTS, *package.COUNTS)}))
        token = _token(app)
        engine = db.engine
    fill_s = time.perf_counter() - t
    bodies = [package.canonical(county_package(i, key, MONTH)) for i, key in enumerate(keys)]

    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    receive_times, statements = [], []
    for raw in bodies:
        seen, count = _counting(engine)
        event.listen(engine, "before_cursor_execute", count)
        t = time.perf_counter()
        try:
            r = client.post("/api/v1/packages", data=raw, headers=auth)
        finally:
            receive_times.append(time.perf_counter() - t)
            event.remove(engine, "before_cursor_execute", count)
        assert r.status_code == 201, r.get_json()
        statements.append(len(seen))

    out = {"regions": regions, "months": months, "channels": CHANNELS,
           "packages_stored": regions * months, "fill_s": round(fill_s, 1),
           "package_bytes": round(statistics.mean(len(b) for b in bodies)),
           "receive_ms": {"p50": _ms(statistics.median(receive_times)),
                          "p95": _ms(sorted(receive_times)[int(0.95 * (len(receive_times) - 1))]),
                          "max": _ms(max(receive_times))},
           "receive_statements": sorted(set(statements))}
    api = {"Authorization": f"Bearer {token}"}
    page_client = _signed_in(app)
    for name, get in (
            ("rollup_api", lambda: client.get(f"/api/v1/rollup?month={MONTH}", headers=api)),
            ("rollup_page", lambda: page_client.get(f"/reporting/rollup?month={MONTH}")),
            ("packages_api", lambda: client.get(f"/api/v1/packages?month={MONTH}",
                                                headers=api)),
            ("city_workbook", lambda: page_client.get(f"/reporting/rollup.xlsx?month={MONTH}"))):
        r = get()
        assert r.status_code == 200, (name, r.status_code)
        r.get_data()
        seen, count = _counting(engine)
        event.listen(engine, "before_cursor_execute", count)
        try:
            get().get_data()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            get().get_data()
            times.append(time.perf_counter() - t)
        out[name] = {"ms": _ms(statistics.median(times)), "statements": len(seen)}
    total = client.get(f"/api/v1/rollup?month={MONTH}", headers=api).get_json()
    out["rollup_rows"] = len(total["rows"])
    # the total is the exact sum of the rows, to the fen
    for k in ("amount_issued", "arrived", "spent"):
        assert Decimal(total["total"][k]) == sum(Decimal(r[k]) for r in total["rows"]), k
    return out


def _signed_in(app):
    """A browser client signed in as the admin (with the form's CSRF token when the app
    wants one)."""
    import re

    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"username": ADMIN, "password": PASSWORD}
    if found:
        data["csrf_token"] = found.group(1)
    r = client.post("/login", data=data)
    assert r.status_code in (302, 303), r.status_code
    return client


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _token(app) -> str:
    result = app.test_cli_runner().invoke(args=["create-token", ADMIN])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def run(backend: str, regions: int, months: int, runs: int) -> dict:
    import json
    import platform

    from .load import drop_database, fresh_database, make_app
    from .measure import RESULTS

    url = fresh_database(backend, f"bench_upward_{backend}")
    try:
        app = make_app(url)
        result = {"db": backend, "python": platform.python_version(),
                  "load_average_at_start": os.getloadavg(),
                  **measure(app, regions, months, runs)}
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(backend, url)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"upward-{backend}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result
