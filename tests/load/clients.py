"""The API clients of the load test: posters (payments and reversals of their own
payments), readers (the ledger endpoints) and milestone updaters (PUT), each a thread
with its own random stream. Every request is recorded: who, what, status, latency, body.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from tests.processes import request

LEDGERS = ("funds", "allocations", "projects", "summary", "overdue")
MILESTONES = ("开工", "完工", "验收")


@dataclass
class Record:
    client: str
    action: str
    method: str
    path: str
    status: int | None  # None: the connection failed
    seconds: float
    body: object = None
    sent: dict | None = None
    error: str | None = None


@dataclass
class Run:
    """Shared by the clients: the stop rule and everything recorded."""

    port: int
    deadline: float
    max_requests: int
    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def go_on(self) -> bool:
        return time.monotonic() < self.deadline and len(self.records) < self.max_requests

    def call(self, client: str, action: str, method: str, path: str, token: str,
             body: dict | None = None) -> Record:
        started = time.perf_counter()
        try:
            status, raw, _ = request(self.port, method, path, body=body, token=token)
        except OSError as e:
            rec = Record(client, action, method, path, None, time.perf_counter() - started,
                         sent=body, error=f"{type(e).__name__}: {e}")
        else:
            seconds = time.perf_counter() - started
            try:
                parsed = json.loads(raw, parse_float=Decimal)
            except ValueError:
                parsed = raw[:500].decode(errors="replace")
            rec = Record(client, action, method, path, status, seconds, parsed, sent=body)
        with self.lock:
            self.records.append(rec)
        return rec


def random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _amount(rng: random.Random) -> Decimal:
    """Mostly sizeable payments that exhaust the money, some small ones to fill gaps."""
    if rng.random() < 0.2:
        return Decimal(rng.randint(1, 50000)) / 100
    return Decimal(rng.randint(100000, 3000000)) / 100


def poster(run: Run, n: int, token: str, pairs: list[tuple[str, str]],
           first: dt.date, last: dt.date) -> None:
    """Post payments on random (project, channel) pairs at random dates; now and then
    reverse (part of) one of its own accepted payments, or try to take back too much."""
    rng = random.Random(1000 + n)
    name = f"poster-{n}"
    mine: dict[str, dict] = {}  # voucher → what was accepted, with what is left to reverse
    seq = 0
    while run.go_on():
        seq += 1
        voucher = f"LT{n:02d}-{seq:05d}"
        open_ones = [v for v, p in mine.items() if p["left"] > 0]
        if open_ones and rng.random() < 0.3:
            original = mine[rng.choice(open_ones)]
            left = original["left"]
            roll = rng.random()
            if roll < 0.5:
                back = left
            elif roll < 0.9:
                back = max(Decimal("0.01"), (left * Decimal(rng.random())).quantize(
                    Decimal("0.01")))
            else:
                back = left + Decimal("0.01")  # more than is left: must be refused
            paid_on = original["paid_on"] + dt.timedelta(days=rng.randint(0, 20))
            body = {"voucher_no": voucher, "project_code": original["project_code"],
                    "source_code": original["source_code"], "paid_on": paid_on.isoformat(),
                    "amount": str(-back), "kind": "冲销", "reverses": original["voucher_no"],
                    "memo": "负载测试:红字冲回"}
            rec = run.call(name, "reversal", "POST", "/api/v1/disbursements", token, body)
            if rec.status == 201:
                original["left"] -= back
        else:
            project_code, source_code = rng.choice(pairs)
            kind = "结算款" if rng.random() < 0.1 else "进度款"
            body = {"voucher_no": voucher, "project_code": project_code,
                    "source_code": source_code,
                    "paid_on": random_date(rng, first, last).isoformat(),
                    "amount": str(_amount(rng)), "kind": kind, "payee": "某某建筑公司"}
            if mine and rng.random() < 0.03:  # a voucher number already used
                body["voucher_no"] = rng.choice(list(mine))
            rec = run.call(name, "payment", "POST", "/api/v1/disbursements", token, body)
            if rec.status == 201:
                mine[voucher] = {**body, "paid_on": dt.date.fromisoformat(body["paid_on"]),
                                 "left": Decimal(body["amount"])}


def reader(run: Run, n: int, token: str, first: dt.date, last: dt.date) -> None:
    rng = random.Random(2000 + n)
    while run.go_on():
        name = rng.choice(LEDGERS)
        query = f"as_of={random_date(rng, first, last).isoformat()}"
        if rng.random() < 0.3:
            query += f"&page=1&per_page={rng.randint(1, 5)}"
        run.call(f"reader-{n}", f"ledger/{name}", "GET", f"/api/v1/ledger/{name}?{query}",
                 token)


def updater(run: Run, n: int, token: str, projects: list[str],
            first: dt.date, last: dt.date) -> None:
    """A unit's manager moving planned and actual dates of its projects' milestones:
    some land out of order (refused), some move 验收 around the settlements."""
    rng = random.Random(3000 + n)
    while run.go_on():
        code = rng.choice(projects)
        milestone = rng.choice(MILESTONES)
        body: dict = {"planned_on": random_date(rng, first, last).isoformat(),
                      "note": f"第{rng.randint(1, 99)}次调度"}
        roll = rng.random()
        if roll < 0.4:
            body["done_on"] = random_date(rng, first, last).isoformat()
        elif roll < 0.5:
            body["done_on"] = None
        path = f"/api/v1/projects/{quote(code)}/milestones/{quote(milestone)}"
        run.call(f"updater-{n}", "milestone", "PUT", path, token, body)
