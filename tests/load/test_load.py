"""Issue 7, under load: ``fundtrack serve`` (waitress) on PostgreSQL, 12 API clients for
a minute. Posters collide on a few allocations whose channels have less arrived than
allocated (invariants 1 and 2 both bite); readers read the ledgers; managers move
milestones (invariants 5 and 7 bite). Afterwards nothing is lost or doubled, every
refusal is a 409/422 with a reason, nothing answered 500, and the ledger figures equal a
recomputation from the raw rows.

FUNDTRACK_LOAD_SECONDS shortens (or lengthens) the run; the figures are printed and
written to artifacts/load.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from fundtrack import create_app
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from tests import factories as f
from tests.conftest import PG_URL, pg_database
from tests.load import clients
from tests.load.rows import raw_rows
from tests.processes import ROOT, Server, create_token, request

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="the load test runs on PostgreSQL only"),
]

SECONDS = float(os.environ.get("FUNDTRACK_LOAD_SECONDS", "60"))
MAX_REQUESTS = 40000
POSTERS, READERS, UPDATERS = 6, 4, 2
FIRST, LAST = dt.date(2024, 2, 15), dt.date(2024, 9, 30)
#: (project, channel, allocation): 6 pairs on 2 channels, with less arrived than allocated.
ALLOCATIONS = [
    ("XM001", "ZY01", "250000.00"), ("XM002", "ZY01", "150000.00"),
    ("XM003", "ZY01", "200000.00"), ("XM003", "SJ01", "120000.00"),
    ("XM004", "SJ01", "150000.00"), ("XM001", "SJ01", "30000.00"),
]
ARRIVALS = [
    ("ZY01", "200000.00", "2024-03-01"), ("ZY01", "150000.00", "2024-05-01"),
    ("ZY01", "150000.00", "2024-08-01"), ("SJ01", "100000.00", "2024-04-01"),
    ("SJ01", "80000.50", "2024-07-01"),
]
UNITS = {"县交通运输局": ["XM001", "XM002"], "县水利局": ["XM003", "XM004"]}


@pytest.fixture(scope="module")
def load_db(tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("load-instance"))
    yield from pg_database("fundtrack_load", instance)


def _seed(url: str, instance: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"},
                     instance_path=instance)
    with app.app_context():
        with unit_of_work("测试"):
            zy = f.source("ZY01", "1000000.00")
            sj = f.source("SJ01", "400000.00")
            sources = {"ZY01": zy, "SJ01": sj}
            for code, amount, on in ARRIVALS:
                f.arrive(sources[code], amount, on)
            projects = {
                code: f.project(code, "800000.00", unit=unit)
                for unit, codes in UNITS.items() for code in codes
            }
            for code, source_code, amount in ALLOCATIONS:
                f.allocate(projects[code], sources[source_code], amount)
            # acceptance done early on two projects: settlements may pass there
            f.milestone(projects["XM003"], MilestoneKind.ACCEPTED, done="2024-04-01")
            f.milestone(projects["XM001"], MilestoneKind.ACCEPTED, done="2024-06-01")
        db.engine.dispose()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _figures(records, wall: float) -> dict:
    latencies = [r.seconds for r in records]
    by_action: dict[str, dict] = {}
    for action in sorted({r.action for r in records}):
        mine = [r for r in records if r.action == action]
        by_action[action] = {
            "requests": len(mine),
            "status": dict(sorted(Counter(str(r.status) for r in mine).items())),
            "p50_ms": round(_percentile([r.seconds for r in mine], 50) * 1000, 1),
            "p95_ms": round(_percentile([r.seconds for r in mine], 95) * 1000, 1),
        }
    return {
        "database": "postgresql",
        "server": "fundtrack serve (waitress, 8 threads)",
        "clients": {"posters": POSTERS, "readers": READERS, "updaters": UPDATERS},
        "seconds": round(wall, 1),
        "requests": len(records),
        "requests_per_second": round(len(records) / wall, 1),
        "status": dict(sorted(Counter(str(r.status) for r in records).items())),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1),
        "by_action": by_action,
    }


def _rate(num: Decimal, den: Decimal) -> Decimal | None:
    if den == 0:
        return None
    return (num / den).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def test_a_minute_of_colliding_clients(load_db, tmp_path):
    _, url, instance = load_db
    _seed(url, instance)
    finance = create_token(url, "caizheng", "finance")
    auditor = create_token(url, "shenji", "auditor")
    managers = {unit: create_token(url, f"manager{i}", "manager", unit)
                for i, unit in enumerate(UNITS)}
    pairs = [(p, s) for p, s, _ in ALLOCATIONS]

    with Server(url, tmp_path / "serve.log") as server:
        run = clients.Run(server.port, time.monotonic() + SECONDS, MAX_REQUESTS)
        threads = [threading.Thread(target=clients.poster,
                                    args=(run, n, finance, pairs, FIRST, LAST))
                   for n in range(POSTERS)]
        threads += [threading.Thread(target=clients.reader, args=(run, n, auditor, FIRST, LAST))
                    for n in range(READERS)]
        units = list(UNITS)
        threads += [
            threading.Thread(target=clients.updater, args=(
                run, n, managers[units[n % 2]], UNITS[units[n % 2]], FIRST, LAST))
            for n in range(UPDATERS)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 120)
        wall = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "a client hung"
        records = list(run.records)

        figures = _figures(records, wall)
        (ROOT / "artifacts").mkdir(exist_ok=True)
        (ROOT / "artifacts" / "load.json").write_text(
            json.dumps(figures, ensure_ascii=False, indent=2))
        print("\n" + json.dumps(figures, ensure_ascii=False, indent=2))

        # --- every answer was one the contract allows ---------------------------------
        failed = [r for r in records if r.status is None]
        assert not failed, f"{len(failed)} connection errors, e.g. {failed[0]}"
        allowed = {"payment": {201, 409, 422}, "reversal": {201, 409, 422},
                   "milestone": {200, 409, 422}}
        wrong = [r for r in records if r.status not in allowed.get(r.action, {200})]
        assert not wrong, f"{len(wrong)} unexpected answers, e.g. {wrong[:3]}"
        for r in records:
            if r.status in (409, 422):
                errors = r.body["errors"]
                assert errors and all(e["message"].strip() for e in errors), r
        assert "Traceback" not in server.output()
        assert figures["requests"] >= 1000 or SECONDS < 60
        counts = Counter(r.action for r in records)
        assert all(counts[a] for a in ("payment", "reversal", "milestone", "ledger/funds"))
        statuses = Counter((r.action, r.status) for r in records)
        assert statuses[("payment", 201)] and statuses[("payment", 409)], statuses
        assert statuses[("milestone", 200)], statuses

        # --- the ledger endpoints equal a recomputation from the raw rows --------------
        rows = raw_rows(url, instance)
        for as_of in ("2024-03-31", "2024-06-30", "2024-12-31"):
            day = dt.date.fromisoformat(as_of)
            _check_fund_ledger(server.port, auditor, as_of, rows.fund_ledger(day))
            _check_allocation_ledger(server.port, auditor, as_of, rows.allocation_ledger(day))

    # --- every accepted payment is stored exactly once, and nothing else -------------
    accepted = {r.sent["voucher_no"]: r for r in records
                if r.action in ("payment", "reversal") and r.status == 201}
    stored = {d.voucher: d for d in rows.payments}
    assert len(stored) == len(rows.payments), "a voucher is stored twice"
    assert set(stored) == set(accepted)
    for voucher, r in accepted.items():
        d = stored[voucher]
        assert (d.project, d.source, d.paid_on.isoformat(), _money(d.amount), d.kind) == (
            r.sent["project_code"], r.sent["source_code"], r.sent["paid_on"],
            _money(Decimal(r.sent["amount"])), r.sent["kind"]), voucher
        assert r.body["voucher_no"] == voucher and r.body["amount"] == _money(d.amount)

    # --- the invariants hold on the raw rows ------------------------------------------
    rows.check_invariants()


def _ledger(port: int, token: str, name: str, as_of: str, paging: str = "") -> dict:
    status, raw, _ = request(port, "GET", f"/api/v1/ledger/{name}?as_of={as_of}{paging}",
                             token=token)
    assert status == 200, raw
    return json.loads(raw, parse_float=Decimal)


def _kept_total(port: int, token: str, name: str, as_of: str) -> dict:
    """The 合计 of a page, read twice: the second reply is the figures the server kept
    (fundtrack/cache), possibly since the readers of the run; both must be the whole
    report's."""
    first, kept = (_ledger(port, token, name, as_of, "&page=1&per_page=2")["total"]
                   for _ in range(2))
    assert first == kept, (name, as_of)
    return kept


def _check_fund_ledger(port, token, as_of, expected: dict[str, dict]) -> None:
    reply = _ledger(port, token, "funds", as_of)
    assert _kept_total(port, token, "funds", as_of) == reply["total"], as_of
    got = {r["source_code"]: r for r in reply["rows"]}
    assert set(got) == set(expected)
    total = dict.fromkeys(("amount_issued", "arrived", "allocated", "spent"), Decimal(0))
    for code, want in expected.items():
        row = got[code]
        for key in total:
            assert row[key] == _money(want[key]), (as_of, code, key)
            total[key] += want[key]
        assert row["balance"] == _money(want["arrived"] - want["spent"])
        assert row["arrival_rate"] == _rate(want["arrived"], want["amount_issued"])
        assert row["spending_rate"] == _rate(want["spent"], want["arrived"])
    for key, value in total.items():
        assert reply["total"][key] == _money(value), (as_of, "合计", key)
    assert reply["total"]["spending_rate"] == _rate(total["spent"], total["arrived"])


def _check_allocation_ledger(port, token, as_of, expected: dict[tuple, dict]) -> None:
    reply = _ledger(port, token, "allocations", as_of)
    assert _kept_total(port, token, "allocations", as_of) == reply["total"], as_of
    got = {(r["project_code"], r["source_code"]): r for r in reply["rows"]}
    assert set(got) == set(expected)
    for pair, want in expected.items():
        row = got[pair]
        assert row["allocated"] == _money(want["allocated"]), (as_of, pair)
        assert row["spent"] == _money(want["spent"]), (as_of, pair)
        assert row["balance"] == _money(want["allocated"] - want["spent"]), (as_of, pair)
        assert row["spending_rate"] == _rate(want["spent"], want["allocated"]), (as_of, pair)
    spent = sum((w["spent"] for w in expected.values()), Decimal(0))
    assert reply["total"]["spent"] == _money(spent)
