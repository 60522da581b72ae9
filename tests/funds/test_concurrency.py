"""Concurrent postings against one channel: the rules hold under contention.

Several threads, each with its own app context (so its own session and connection),
post payments at once. Whatever the interleaving, invariant 1 (Σ of a project × channel
≤ its allocation) and invariant 2 (Σ of a channel ≤ what has arrived, at every date)
must hold, every accepted payment must be stored exactly once, and every refusal must be
the overspend refusal: a "database is locked", a serialization failure or a deadlock
fails the test.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.database import read_only, unit_of_work
from fundtrack.enums import PaymentKind
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds.balances import cash_available
from fundtrack.funds.models import Disbursement
from fundtrack.funds.service import get_source, post_disbursement
from fundtrack.projects.service import get_project
from tests.factories import D, allocate, arrive, day, project, source

pytestmark = pytest.mark.slow

THREADS = 8
PER_THREAD = 10


@dataclass(frozen=True)
class Attempt:
    voucher: str
    project_code: str
    amount: Decimal
    paid_on: dt.date


@dataclass
class Outcome:
    accepted: list[Attempt] = field(default_factory=list)
    refused: list[tuple[Attempt, str]] = field(default_factory=list)
    failures: list[tuple[Attempt | None, BaseException]] = field(default_factory=list)


def _post_concurrently(app, plans: list[list[Attempt]], source_code: str) -> Outcome:
    """Run each plan in its own thread, all released together; collect what each saw."""
    outcome = Outcome()
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans), timeout=60)

    def worker(n: int, plan: list[Attempt]) -> None:
        attempt = None
        try:
            with app.app_context():
                barrier.wait()
                for attempt in plan:
                    try:
                        with unit_of_work(f"线程{n}"):
                            post_disbursement(
                                voucher_no=attempt.voucher,
                                project=get_project(attempt.project_code),
                                source=get_source(source_code),
                                paid_on=attempt.paid_on,
                                amount=attempt.amount,
                                kind=PaymentKind.PROGRESS,
                                payee="某某建筑公司",
                            )
                    except Refused as e:
                        with lock:
                            outcome.refused.append((attempt, e.message))
                    else:
                        with lock:
                            outcome.accepted.append(attempt)
                attempt = None
        except BaseException as e:  # any other error fails the test, below
            with lock:
                outcome.failures.append((attempt, e))

    threads = [
        threading.Thread(target=worker, args=(n, plan), name=f"poster-{n}")
        for n, plan in enumerate(plans, start=1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a posting thread hung"
    assert not outcome.failures, "errors other than a refusal: " + "; ".join(
        f"{a.voucher if a else '-'}: {type(e).__name__}: {e}" for a, e in outcome.failures
    )
    return outcome


def _stored(app, source_code: str) -> dict[str, tuple[str, Decimal, dt.date, int]]:
    """voucher → (project code, amount, date, how many rows) from a fresh session."""
    from fundtrack.projects.models import Project

    with app.app_context(), read_only():
        rows = db.session.execute(
            select(
                Disbursement.voucher_no,
                Project.code,
                Disbursement.amount,
                Disbursement.paid_on,
            )
            .join(Project, Project.id == Disbursement.project_id)
            .where(Disbursement.source_id == get_source(source_code).id)
        ).all()
        count = db.session.scalar(select(func.count()).select_from(Disbursement))
    seen: dict[str, tuple[str, Decimal, dt.date, int]] = {}
    for voucher, code, amount, paid_on in rows:
        n = seen[voucher][3] + 1 if voucher in seen else 1
        seen[voucher] = (code, amount, paid_on, n)
    assert count == len(rows), "payments on another channel appeared"
    return seen


def _check_bookkeeping(outcome: Outcome, plans, stored) -> None:
    attempted = [a for plan in plans for a in plan]
    assert len(outcome.accepted) + len(outcome.refused) == len(attempted)
    assert {a.voucher for a in outcome.accepted} | {a.voucher for a, _ in outcome.refused} == {
        a.voucher for a in attempted
    }
    # every payment a thread saw accepted is stored exactly once, as it was posted...
    for a in outcome.accepted:
        assert a.voucher in stored, f"accepted {a.voucher} is missing"
        code, amount, paid_on, n = stored[a.voucher]
        assert n == 1 and (code, amount, paid_on) == (a.project_code, a.amount, a.paid_on)
    # ...and nothing else is
    assert set(stored) == {a.voucher for a in outcome.accepted}


# --- invariant 1: one project × channel, allocation smaller than the attempts ---------

AMOUNT_PATTERNS = {
    # 80 × 1234.56 tried against exactly 50 × 1234.56: exactly 50 must pass.
    "uniform": ["1234.56"],
    # mixed sizes, down to one fen: whether the last fen is taken depends on the order,
    # so here only "every refusal was right" is checked.
    "mixed": ["2500.00", "999.99", "1234.56", "0.01", "3000.00", "17.38", "1500.50", "0.99"],
}


@pytest.mark.parametrize("pattern", sorted(AMOUNT_PATTERNS))
def test_concurrent_payments_never_exceed_the_allocation(app, pattern):
    amounts = [D(a) for a in AMOUNT_PATTERNS[pattern]]
    plans = [
        [
            Attempt(f"PZ-{n:02d}-{i:02d}", "XM001", amounts[(n + i) % len(amounts)],
                    day("2024-03-10"))
            for i in range(PER_THREAD)
        ]
        for n in range(THREADS)
    ]
    tried = sum(a.amount for plan in plans for a in plan)
    allocation = D("61728.00")  # 50 × 1234.56
    assert allocation < tried
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "10000000.00")
        arrive(src, "10000000.00", "2024-03-01")  # plenty: only the allocation binds
        allocate(project("XM001"), src, str(allocation))

    started = time.perf_counter()
    outcome = _post_concurrently(app, plans, "ZY01")
    elapsed = time.perf_counter() - started

    stored = _stored(app, "ZY01")
    _check_bookkeeping(outcome, plans, stored)
    spent = sum((amount for _, amount, _, _ in stored.values()), D("0"))
    assert spent <= allocation
    assert outcome.refused, "the attempts exceed the allocation: some must be refused"
    for attempt, message in outcome.refused:
        assert "超出安排资金" in message, message
        # a refusal was right when made, and what was left only shrank since
        assert attempt.amount > allocation - spent, (attempt, message)
    if pattern == "uniform":  # the attempts allow it: used up to the fen
        assert len(outcome.accepted) == 50
        assert spent == allocation
    print(f"\n{app.config['BACKEND']} {pattern}: {len(outcome.accepted)} accepted, "
          f"{len(outcome.refused)} refused in {elapsed:.2f}s")


# --- invariant 2: two projects, one channel, less arrived than allocated ---------------


ARRIVAL_PATTERNS = {
    # 1250.00 divides both arrivals: the channel must be emptied to the fen.
    "uniform": ["1250.00"],
    "mixed": ["1000.00", "777.77", "0.23", "1500.00", "222.00"],
}


@pytest.mark.parametrize("pattern", sorted(ARRIVAL_PATTERNS))
def test_concurrent_payments_never_run_ahead_of_arrivals(app, pattern):
    # Each project is allocated more than all its attempts, so only arrivals bind:
    # 20 000 arrived on 3-01 and 20 000 on 4-01; payments dated 3-10 and 4-10, half each.
    amounts = [D(a) for a in ARRIVAL_PATTERNS[pattern]]
    dates = [day("2024-03-10"), day("2024-04-10")]
    plans = [
        [
            Attempt(
                f"PZ-{n:02d}-{i:02d}",
                "XM001" if n % 2 else "XM002",
                amounts[(n + i) % len(amounts)],
                dates[(n // 2 + i) % 2],
            )
            for i in range(PER_THREAD)
        ]
        for n in range(THREADS)
    ]
    arrived = D("40000.00")
    tried = sum(a.amount for plan in plans for a in plan)
    assert arrived < tried
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "10000000.00")
        arrive(src, "20000.00", "2024-03-01")
        arrive(src, "20000.00", "2024-04-01")
        for code in ("XM001", "XM002"):
            per_project = sum(a.amount for plan in plans for a in plan if a.project_code == code)
            allocate(project(code), src, str(per_project + D("1000.00")))

    started = time.perf_counter()
    outcome = _post_concurrently(app, plans, "ZY01")
    elapsed = time.perf_counter() - started

    stored = _stored(app, "ZY01")
    _check_bookkeeping(outcome, plans, stored)
    # which project's payments take the channel's last money depends on the order the
    # database serializes them (one project's attempts alone exceed the arrivals, and on
    # SQLite one project's threads took it all once): the rule is the channel's total
    spent = sum((amount for _, amount, _, _ in stored.values()), D("0"))
    spent_by_march = sum(
        (amount for _, amount, paid_on, _ in stored.values() if paid_on <= day("2024-03-31")),
        D("0"),
    )
    assert spent_by_march <= D("20000.00")
    assert spent <= arrived
    assert outcome.refused, "the attempts exceed the arrivals: some must be refused"
    with app.app_context(), read_only():
        src = get_source("ZY01")
        left = {d: cash_available(src, d) for d in dates}
    for attempt, message in outcome.refused:
        assert "超出到位资金" in message, message
        # right when made: what was left at its date only shrank since
        assert attempt.amount > left[attempt.paid_on], (attempt, message)
    if pattern == "uniform":  # the attempts allow it: used up to the fen
        assert spent == arrived
    print(f"\n{app.config['BACKEND']} arrivals {pattern}: {len(outcome.accepted)} accepted, "
          f"{len(outcome.refused)} refused in {elapsed:.2f}s")


# --- one voucher number posted twice at once --------------------------------------------


@pytest.mark.parametrize("second_channel", ["ZY01", "ZY02"], ids=["same-channel", "other-channel"])
def test_a_voucher_posted_twice_at_once_is_refused_once(app, second_channel):
    """The second posting of a voucher number must be the 409 refusal, not a database
    error, even when it checks while the first is still uncommitted."""
    with app.app_context(), unit_of_work("测试"):
        prj = project("XM001")
        for code in ("ZY01", "ZY02"):
            src = source(code, "1000.00")
            arrive(src, "1000.00", "2024-03-01")
            allocate(prj, src, "1000.00")

    first_posted = threading.Event()
    results: dict[str, object] = {}

    def post(name: str, code: str) -> None:
        try:
            with app.app_context():
                if name == "second":
                    first_posted.wait(30)
                with unit_of_work(f"线程{name}"):
                    post_disbursement(
                        voucher_no="PZ0001", project=get_project("XM001"),
                        source=get_source(code), paid_on=day("2024-03-05"),
                        amount=D("100.00"), kind=PaymentKind.PROGRESS,
                    )
                    if name == "first":  # hold the transaction open while the other checks
                        first_posted.set()
                        time.sleep(0.5)
            results[name] = "posted"
        except Refused as e:
            results[name] = e
        except BaseException as e:
            results[name] = e
        finally:
            first_posted.set()

    threads = [threading.Thread(target=post, args=("first", "ZY01")),
               threading.Thread(target=post, args=("second", second_channel))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["first"] == "posted"
    second = results["second"]
    assert isinstance(second, Refused), repr(second)
    assert second.conflict and "凭证号「PZ0001」已存在" in second.message
    with app.app_context(), read_only():
        assert db.session.scalars(select(Disbursement.voucher_no)).all() == ["PZ0001"]
