"""The raw rows of a ledger database, read once after a run, and the figures and
invariants recomputed from them in plain Python with Decimal (not through fundtrack's
ledger module, which is what is being checked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from fundtrack import create_app
from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from fundtrack.milestones.models import Milestone
from fundtrack.projects.models import Project

ZERO = Decimal(0)


@dataclass(frozen=True)
class Payment:
    voucher: str
    project: str
    source: str
    paid_on: dt.date
    amount: Decimal
    kind: str
    reverses: str | None


@dataclass
class Rows:
    issued: dict[str, Decimal]
    arrivals: list[tuple[str, dt.date, Decimal]]
    allocations: list[tuple[str, str, dt.date | None, Decimal]]
    payments: list[Payment]
    #: project → kind → done_on
    done: dict[str, dict[MilestoneKind, dt.date]]

    def fund_ledger(self, day: dt.date) -> dict[str, dict]:
        out = {}
        for code, issued in self.issued.items():
            out[code] = {
                "amount_issued": issued,
                "arrived": sum((a for s, d, a in self.arrivals if s == code and d <= day),
                               ZERO),
                "allocated": sum((a for _, s, d, a in self.allocations
                                  if s == code and (d is None or d <= day)), ZERO),
                "spent": sum((p.amount for p in self.payments
                              if p.source == code and p.paid_on <= day), ZERO),
            }
        return out

    def allocation_ledger(self, day: dt.date) -> dict[tuple[str, str], dict]:
        out: dict[tuple[str, str], dict] = {}
        for project, source, d, amount in self.allocations:
            pair = out.setdefault((project, source), {"allocated": ZERO, "spent": ZERO})
            if d is None or d <= day:
                pair["allocated"] += amount
        for p in self.payments:
            if p.paid_on <= day:
                out[(p.project, p.source)]["spent"] += p.amount
        return out

    def check_invariants(self) -> None:
        # 1. Σ payments of a (project, channel) ≤ its allocation (undated: at every date)
        allocated: dict[tuple[str, str], Decimal] = {}
        for project, source, _, amount in self.allocations:
            allocated[(project, source)] = allocated.get((project, source), ZERO) + amount
        for pair, limit in allocated.items():
            spent = sum((p.amount for p in self.payments if (p.project, p.source) == pair),
                        ZERO)
            assert spent <= limit, (pair, spent, limit)
        # 2. at every date, Σ payments of a channel ≤ Σ its arrivals (the sums change only
        #    at the dates of arrivals and payments, so those dates are every date)
        for code in self.issued:
            dates = {d for s, d, _ in self.arrivals if s == code}
            dates |= {p.paid_on for p in self.payments if p.source == code}
            for day in sorted(dates):
                arrived = sum((a for s, d, a in self.arrivals if s == code and d <= day), ZERO)
                spent = sum((p.amount for p in self.payments
                             if p.source == code and p.paid_on <= day), ZERO)
                assert spent <= arrived, (code, day, spent, arrived)
        # 3. Σ allocations of a channel ≤ its amount issued
        for code, issued in self.issued.items():
            assert sum((a for _, s, _, a in self.allocations if s == code), ZERO) <= issued
        # 4. reversals name a payment of the same pair, dated no earlier, and together
        #    take back no more than it paid
        by_voucher = {p.voucher: p for p in self.payments}
        for original in self.payments:
            reversals = [p for p in self.payments if p.reverses == original.voucher]
            if original.reverses is not None:  # a reversal is never reversed itself
                assert not reversals, original
                continue
            back = -sum((r.amount for r in reversals), ZERO)
            assert back <= original.amount, (original.voucher, back)
            for r in reversals:
                assert r.amount < 0 and r.paid_on >= original.paid_on, r
                assert (r.project, r.source) == (original.project, original.source), r
        for p in self.payments:
            assert (p.kind == PaymentKind.REVERSAL.label) == (p.reverses is not None), p
            assert p.reverses is None or p.reverses in by_voucher
        # 5. a settlement waits for the project's acceptance
        for p in self.payments:
            if p.kind == PaymentKind.SETTLEMENT.label:
                accepted = self.done.get(p.project, {}).get(MilestoneKind.ACCEPTED)
                assert accepted is not None and accepted <= p.paid_on, p
        # 7. actual milestone dates never go backwards along the fixed order
        for project, done in self.done.items():
            dates = [done[k] for k in MilestoneKind if k in done]
            assert dates == sorted(dates), (project, done)


def raw_rows(url: str, instance: str) -> Rows:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"},
                     instance_path=instance)
    with app.app_context():
        s = db.session
        issued = dict(s.execute(select(FundSource.code, FundSource.amount_issued)).all())
        arrivals = [tuple(r) for r in s.execute(
            select(FundSource.code, FundArrival.arrived_on, FundArrival.amount)
            .join(FundSource, FundSource.id == FundArrival.source_id))]
        allocations = [tuple(r) for r in s.execute(
            select(Project.code, FundSource.code, Allocation.allocated_on, Allocation.amount)
            .join(Project, Project.id == Allocation.project_id)
            .join(FundSource, FundSource.id == Allocation.source_id))]
        original = aliased(Disbursement)
        payments = [
            Payment(v, p, src, on, amount, kind.label, rev)
            for v, p, src, on, amount, kind, rev in s.execute(
                select(Disbursement.voucher_no, Project.code, FundSource.code,
                       Disbursement.paid_on, Disbursement.amount, Disbursement.kind,
                       original.voucher_no)
                .join(Project, Project.id == Disbursement.project_id)
                .join(FundSource, FundSource.id == Disbursement.source_id)
                .outerjoin(original, original.id == Disbursement.reverses_id))
        ]
        done: dict[str, dict[MilestoneKind, dt.date]] = {}
        for code, kind, done_on in s.execute(
            select(Project.code, Milestone.kind, Milestone.done_on)
            .join(Project, Project.id == Milestone.project_id)
            .where(Milestone.done_on.is_not(None))
        ):
            done.setdefault(code, {})[kind] = done_on
        s.rollback()
        db.engine.dispose()
    return Rows(issued, arrivals, allocations, payments, done)
