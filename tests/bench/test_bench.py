"""The benchmark's generator and bulk loader, at a tiny scale on each database, so that the
bench code cannot rot: the loaded ledger keeps every invariant of DOMAIN.md, and the
ledger's figures equal a direct SQL recomputation (the benchmark's own floor queries)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from bench.floors import CARRYOVER, PROJECTS, SOURCES, carryover_params
from bench.generate import AS_OF, generate
from bench.load import load
from bench.table import render
from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from fundtrack.ledger import carryover, fund_ledger, project_ledger
from fundtrack.milestones.models import Milestone
from fundtrack.money import ZERO


@pytest.fixture
def loaded(app):
    ledger = generate("tiny", seed=7)
    counts = load(app, ledger)
    return app, ledger, counts


def test_generator_is_deterministic_by_seed_and_shaped_like_a_county():
    a, b, c = generate("tiny", seed=7), generate("tiny", seed=7), generate("tiny", seed=8)
    assert a == b and a != c
    n = a.counts()
    assert n["milestones"] == 8 * n["projects"] == 8 * 60
    assert 4 * n["projects"] <= n["disbursements"] <= 13 * n["projects"]  # one channel a year
    kinds = {d["kind"] for d in a.disbursements}
    assert PaymentKind.REVERSAL in kinds and PaymentKind.SETTLEMENT in kinds
    # some milestones are overdue as of the benchmark's date
    assert any(m["planned_on"] < AS_OF and (m["done_on"] is None or m["done_on"] > AS_OF)
               for m in a.milestones)


def test_loaded_ledger_keeps_every_invariant(loaded):
    app, ledger, counts = loaded
    assert counts["disbursement"] == len(ledger.disbursements)
    with app.app_context():
        sources = {s.id: s for s in db.session.scalars(select(FundSource))}
        cash = defaultdict(list)  # channel → (date, +arrived / -paid)
        for a in db.session.scalars(select(FundArrival)):
            cash[a.source_id].append((a.arrived_on, a.amount))
        allocated, issued_use = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        for al in db.session.scalars(select(Allocation)):
            allocated[(al.project_id, al.source_id)] += al.amount
            issued_use[al.source_id] += al.amount
        spent, taken_back = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        payments = {d.id: d for d in db.session.scalars(select(Disbursement))}
        accepted = {pid: day for pid, day in db.session.execute(
            select(Milestone.project_id, Milestone.done_on)
            .where(Milestone.kind == MilestoneKind.ACCEPTED))}
        for d in payments.values():
            spent[(d.project_id, d.source_id)] += d.amount
            cash[d.source_id].append((d.paid_on, -d.amount))
            if d.kind == PaymentKind.REVERSAL:  # 4: no more back than paid, not earlier
                original = payments[d.reverses_id]
                taken_back[original.id] -= d.amount
                assert taken_back[original.id] <= original.amount
                assert d.paid_on >= original.paid_on
            if d.kind == PaymentKind.SETTLEMENT:  # 5
                assert accepted.get(d.project_id) and accepted[d.project_id] <= d.paid_on
        for pair, amount in spent.items():  # 1
            assert amount <= allocated[pair], pair
        for sid, amount in issued_use.items():  # 3
            assert amount <= sources[sid].amount_issued
        for sid, moves in cash.items():  # 2: same-day arrivals count
            balance = ZERO
            for day in sorted({d for d, _ in moves}):
                balance += sum((v for d, v in moves if d == day), ZERO)
                assert balance >= 0, (sid, day)
        by_project = defaultdict(list)  # 7: actual dates never go backwards
        for m in db.session.scalars(select(Milestone).order_by(Milestone.kind)):
            if m.done_on is not None:
                by_project[m.project_id].append(m.done_on)
        assert by_project and all(v == sorted(v) for v in by_project.values())
        db.session.rollback()


def test_ledger_figures_equal_a_direct_sql_recomputation(loaded):
    app, _, _ = loaded
    with app.app_context():
        rows = {r["source_code"]: r for r in fund_ledger(AS_OF).rows}
        floor = db.session.execute(text(SOURCES), {"d": AS_OF}).all()
        assert len(rows) == len(floor) > 0
        for _, code, issued, arrived, allocated, spent in floor:
            r = rows[code]
            assert (r["amount_issued"], r["arrived"], r["allocated"], r["spent"]) == tuple(
                _money(app, v) for v in (issued, arrived, allocated, spent)), code
        report = project_ledger(AS_OF)
        direct = db.session.execute(text(PROJECTS), {"d": AS_OF}).all()
        assert report.count == len(direct)
        assert report.total["spent"] == sum((_money(app, r.spent) for r in direct), ZERO)
        assert report.total["overdue_count"] == sum(int(r.overdue or 0) for r in direct) > 0
        db.session.rollback()


def test_carryover_equals_the_floor_query_worked_by_hand(loaded):
    """The 结转结余 rows against the benchmark's hand-written query, the ages worked out
    in Python from its sums (first in, first out), at the benchmark's date and a year
    later (the older money then carried over)."""
    app, _, _ = loaded
    with app.app_context():
        for as_of in (AS_OF, AS_OF.replace(year=AS_OF.year + 1)):
            rows = {r["source_code"]: r for r in carryover.uncached(as_of).rows}
            floor = db.session.execute(text(CARRYOVER), carryover_params(as_of)).all()
            assert len(rows) == len(floor) > 0
            for f in floor:
                m = {k: _money(app, getattr(f, k)) for k in (
                    "arrived_before", "arrived_now", "upto1", "upto2", "spent_before",
                    "spent_now", "recovered_before", "recovered_now")}
                used = m["spent_before"] + m["spent_now"] + m["recovered_before"] \
                    + m["recovered_now"]
                carried = m["arrived_before"] - m["spent_before"] - m["recovered_before"]
                r = rows[f.code]
                assert (r["carried_in"], r["arrived_this_year"], r["spent_this_year"],
                        r["balance"], r["idle_over_1y"], r["idle_over_2y"]) == (
                    carried, m["arrived_now"], m["spent_now"],
                    carried + m["arrived_now"] - m["spent_now"] - m["recovered_now"],
                    max(ZERO, m["upto1"] - used), max(ZERO, m["upto2"] - used)), f.code
            assert any(r["carried_in"] > 0 for r in rows.values())
        db.session.rollback()


def _money(app, value) -> Decimal:
    """A raw SUM as the app reads it: whole fen on SQLite, yuan on PostgreSQL."""
    if value is None:
        return ZERO
    if app.config["BACKEND"] == "sqlite":
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
    return Decimal(value).quantize(Decimal("0.01"))


def test_the_table_shows_ratios_to_the_floors_and_growth():
    county = {"scale": "county", "db": "sqlite", "load_s": 2, "ledger_s": 0.6,
              "ledger_floor_s": 0.2, "rows": {"project": 3000, "milestone": 24000,
                                               "disbursement": 30000, "fund_source": 40},
              "pages": {"dashboard": {"s": 0.1, "statements": 5}}}
    city = {**county, "scale": "city", "ledger_s": 6.0, "ledger_floor_s": 2.5,
            "pages": {"dashboard": {"s": 0.25, "statements": 5}}}
    table = render({("county", "sqlite"): county, ("city", "sqlite"): city})
    assert "0.60 s (3.0× floor 0.20 s)" in table
    assert "| 10.0×, – |" in table and "100 ms, 5 stmts" in table


def test_the_reconciliation_benchmark_reports_its_export_exactly(loaded, tmp_path,
                                                                 monkeypatch):
    """The treasury export the benchmark builds from the ledger (1% left out, 1% added,
    1% with another amount, 1% with another payee) is reported exactly, and the pandas
    floor merges the same rows."""
    from bench import measure

    app, _, _ = loaded
    monkeypatch.setattr(measure, "TREASURY_ROWS", 450)
    out = measure.reconcile(app, 1, tmp_path / "treasury.xlsx")
    chosen = out["treasury_ledger_payments"]
    assert 300 < chosen <= 450

    def every_100th(start):
        return len(range(start, chosen, 100))

    left_out, added = every_100th(1), every_100th(4)
    changed = every_100th(2) + every_100th(3)
    assert out["treasury_added"] == added and out["treasury_from_ledger"] == chosen - left_out
    assert out["reconcile_counts"] == {
        "matched": chosen - left_out - changed, "only_in_treasury": added,
        "only_in_ledger": left_out, "differ": changed}
    assert out["reconcile_s"] > 0 and out["reconcile_floor_s"] > 0
