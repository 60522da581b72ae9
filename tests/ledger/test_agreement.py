"""Invariant 9 as a property: as of any date and under any filter, the 已支出 of 项目台账,
项目资金台账, 资金台账 and 汇总 add up to the same total, which is the sum of the payments
dated ≤ D in scope; likewise 安排资金 between 项目台账 and 项目资金台账.

Hypothesis builds random ledgers through the services (channels, arrivals, dated and
undated allocations, reductions, payments, reversals, recoveries (资金收回), 开工 dates);
whatever the rules refuse is left out, as a clerk's refused entry would be. Each example runs in a
savepoint rolled back at its end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundtrack.enums import MilestoneKind, PaymentKind, RecoveryDestination
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.funds import service as funds
from fundtrack.ledger import (
    LedgerFilter,
    allocation_ledger,
    carryover,
    fund_ledger,
    project_ledger,
    summary,
)
from fundtrack.milestones.service import set_milestone
from tests import factories as f

START = dt.date(2024, 1, 1)
ZERO = Decimal("0.00")
TOWNSHIPS = ("城关镇", "东关乡")
UNITS = ("县交通运输局", "县水利局")
CATEGORIES = ("基础设施", "产业发展")
YEARS = (2024, 2025)

days = st.integers(min_value=0, max_value=400).map(lambda n: START + dt.timedelta(days=n))
amounts = st.integers(min_value=1, max_value=2_000_000).map(lambda fen: Decimal(fen) / 100)

projects = st.lists(
    st.tuples(st.sampled_from(TOWNSHIPS), st.sampled_from(UNITS), st.sampled_from(CATEGORIES),
              st.sampled_from(YEARS), st.booleans(), st.none() | days),
    min_size=1, max_size=4)
sources = st.lists(
    st.tuples(st.sampled_from(YEARS),
              st.lists(st.tuples(days, amounts), min_size=1, max_size=3)),
    min_size=1, max_size=3)
#: A payment or a reduction takes a share (percent, up to a little more than all) of what
#: the pair has allocated and not paid over all dates, so that many are posted and some,
#: dated before the money was allocated or beyond it, refused.
shares = st.integers(min_value=1, max_value=110)
operations = st.lists(st.one_of(
    st.tuples(st.just("allocate"), st.integers(0, 3), st.integers(0, 2), amounts,
              st.none() | days),
    st.tuples(st.just("reduce"), st.integers(0, 3), st.integers(0, 2), shares,
              st.none() | days),
    st.tuples(st.just("pay"), st.integers(0, 3), st.integers(0, 2), shares, days),
    st.tuples(st.just("reverse"), st.integers(0, 20), shares, st.integers(0, 60)),
    st.tuples(st.just("recover"), st.integers(0, 2), shares, days),
), min_size=8, max_size=30)


def _maybe(values):
    """None (no such filter) three times in four."""
    return st.sampled_from([None, None, None]) | st.sampled_from(values)


filters = st.just(LedgerFilter()) | st.builds(
    LedgerFilter,
    year=_maybe(YEARS),
    township=_maybe(TOWNSHIPS),
    unit=_maybe(UNITS),
    category=_maybe(CATEGORIES),
    priority=_maybe([True, False]),
    reached=_maybe([MilestoneKind.STARTED]),
)


@dataclass
class Ledger:
    """What was posted, to work the expected figures out by hand."""

    projects: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    #: (project, source, amount, date or None)
    allocations: list = field(default_factory=list)
    #: (project, source, amount, date), reversals negative
    payments: list = field(default_factory=list)
    originals: list = field(default_factory=list)
    #: voucher number → Σ its reversals (negative)
    reversed: dict = field(default_factory=dict)
    #: (source, amount, date) of arrivals and of recoveries
    arrivals: list = field(default_factory=list)
    recoveries: list = field(default_factory=list)


def build(project_specs, source_specs, ops) -> Ledger:
    ledger = Ledger()
    for i, (year, arrivals) in enumerate(source_specs):
        src = f.source(f"ZY{i:02d}", "100000000.00", year=year)
        funds.record_arrival(src, arrived_on=START, amount=Decimal("100000.00"))
        ledger.arrivals.append((src, Decimal("100000.00"), START))
        for on, amount in arrivals:
            funds.record_arrival(src, arrived_on=on, amount=amount * 10)
            ledger.arrivals.append((src, amount * 10, on))
        ledger.sources.append(src)
    for i, (township, unit, category, year, priority, started) in enumerate(project_specs):
        prj = f.project(f"XM{i:03d}", township=township, unit=unit, category=category,
                        year=year, priority=priority)
        if started is not None:
            set_milestone(prj, MilestoneKind.STARTED, done_on=started)
        ledger.projects.append((prj, started))
    for op in ops:
        try:
            apply(ledger, op)
        except Refused:
            pass  # refused by a rule: nothing was written
    db.session.flush()
    return ledger


def apply(ledger: Ledger, op) -> None:
    kind = op[0]
    if kind == "reverse":
        if not ledger.originals:
            return
        _, which, percent, later = op
        original = ledger.originals[which % len(ledger.originals)]
        left = original.amount + ledger.reversed.get(original.voucher_no, ZERO)
        amount = -(left * percent / 100).quantize(Decimal("0.01"))
        if amount >= 0:
            return
        on = original.paid_on + dt.timedelta(days=later)
        voucher = f"HC{len(ledger.payments):04d}"
        funds.post_disbursement(
            voucher_no=voucher, project=original.project, source=original.source,
            paid_on=on, amount=amount, kind=PaymentKind.REVERSAL, memo="冲回",
            reverses=original)
        ledger.payments.append((original.project, original.source, amount, on))
        ledger.reversed[original.voucher_no] = (
            ledger.reversed.get(original.voucher_no, ZERO) + amount)
        return
    if kind == "recover":  # a share of the channel's cash over all dates
        _, s, percent, on = op
        src = ledger.sources[s % len(ledger.sources)]
        cash = (sum((a for x, a, _ in ledger.arrivals if x is src), ZERO)
                - sum((a for _, x, a, _ in ledger.payments if x is src), ZERO)
                - sum((a for x, a, _ in ledger.recoveries if x is src), ZERO))
        amount = (cash * percent / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        funds.record_recovery(src, recovered_on=on, amount=amount,
                              destination=RecoveryDestination.UPWARD)
        ledger.recoveries.append((src, amount, on))
        return
    _, p, s, amount, on = op
    prj = ledger.projects[p % len(ledger.projects)][0]
    src = ledger.sources[s % len(ledger.sources)]
    if kind != "allocate":  # a share of the pair's allocated and unpaid money
        room = (sum((a for p, s, a, _ in ledger.allocations if (p, s) == (prj, src)), ZERO)
                - sum((a for p, s, a, _ in ledger.payments if (p, s) == (prj, src)), ZERO))
        amount = (room * amount / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            return
    if kind in ("allocate", "reduce"):
        signed = amount if kind == "allocate" else -amount
        funds.allocate(prj, src, amount=signed, allocated_on=on)
        ledger.allocations.append((prj, src, signed, on))
    else:
        payment = funds.post_disbursement(
            voucher_no=f"PZ{len(ledger.payments):04d}", project=prj, source=src, paid_on=on,
            amount=amount, kind=PaymentKind.PROGRESS)
        ledger.payments.append((prj, src, amount, on))
        ledger.originals.append(payment)


def in_scope(ledger: Ledger, filt: LedgerFilter, as_of: dt.date):
    """The projects and channels the filter keeps, by hand."""
    keep = set()
    for prj, started in ledger.projects:
        if ((filt.year is None or prj.year == filt.year)
                and (filt.township is None or prj.township == filt.township)
                and (filt.unit is None or prj.unit.name == filt.unit)
                and (filt.category is None or prj.category == filt.category)
                and (filt.priority is None or prj.priority == filt.priority)
                and (filt.reached is None or (started is not None and started <= as_of))):
            keep.add(prj.id)
    channels = {s.id for s in ledger.sources if filt.year is None or s.year == filt.year}
    return keep, channels


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project_specs=projects, source_specs=sources, ops=operations,
       as_of=days, filt=filters)
def test_the_reports_agree_on_spent_and_allocated(ctx, project_specs, source_specs, ops,
                                                    as_of, filt):
    savepoint = db.session.begin_nested()
    try:
        ledger = build(project_specs, source_specs, ops)
        keep, channels = in_scope(ledger, filt, as_of)
        spent = sum((a for p, s, a, on in ledger.payments
                     if p.id in keep and s.id in channels and on <= as_of), ZERO)
        allocated = sum((a for p, s, a, on in ledger.allocations
                         if p.id in keep and s.id in channels and (on is None or on <= as_of)),
                        ZERO)

        projects_total = project_ledger(as_of, filt).total
        pairs_total = allocation_ledger(as_of, filt).total
        funds_total = fund_ledger(as_of, filt).total
        by_group = summary(as_of, filt)
        assert projects_total["spent"] == spent
        assert pairs_total["spent"] == spent
        assert funds_total["spent"] == spent
        assert by_group.total["spent"] == spent
        for group in ("乡镇", "责任单位"):
            assert sum((r["spent"] for r in by_group.rows if r["group"] == group),
                       ZERO) == spent
        assert projects_total["allocated"] == pairs_total["allocated"] == allocated
        recovered = sum((a for s, a, on in ledger.recoveries
                         if s.id in channels and on <= as_of), ZERO)
        if not replace(filt, year=None).narrows_projects:  # every channel of the year listed
            assert funds_total["recovered"] == recovered
    finally:
        savepoint.rollback()


# --- 结转结余: the age formula against a brute-force FIFO, over several years ----------

MULTI_START = dt.date(2023, 1, 1)
multi_days = st.integers(min_value=0, max_value=1200).map(
    lambda n: MULTI_START + dt.timedelta(days=n))
multi_ops = st.lists(st.one_of(
    st.tuples(st.just("arrive"), st.integers(0, 1), amounts, multi_days),
    st.tuples(st.just("pay"), st.integers(0, 1), shares, multi_days),
    st.tuples(st.just("reverse"), st.integers(0, 20), shares, st.integers(0, 400)),
    st.tuples(st.just("recover"), st.integers(0, 1), shares, multi_days),
), min_size=8, max_size=25)


def _a_year_before(day: dt.date, years: int) -> dt.date:
    """By hand: the same calendar day, the last day of the month when it has none."""
    year = day.year - years
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _fifo_idle(arrivals, used: Decimal, cutoff: dt.date) -> Decimal:
    """Use ``used`` from the oldest arrivals first; what is left of those dated ≤ cutoff."""
    idle = ZERO
    for on, amount in sorted(arrivals, key=lambda a: a[0]):
        take = min(amount, used)
        used -= take
        if on <= cutoff:
            idle += amount - take
    return idle


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=multi_ops, as_of=multi_days)
def test_carryover_age_is_first_in_first_out(ctx, ops, as_of):
    savepoint = db.session.begin_nested()
    try:
        ledger = Ledger()
        for i in range(2):
            src = f.source(f"ZY{i:02d}", "100000000.00", year=2023)
            ledger.sources.append(src)
            prj = f.project(f"XM{i:03d}", year=2023)
            funds.allocate(prj, src, amount=Decimal("50000000.00"))
            for on in (MULTI_START, dt.date(2024, 2, 29)):  # money from the start
                funds.record_arrival(src, arrived_on=on, amount=Decimal("50000.00"))
                ledger.arrivals.append((src, Decimal("50000.00"), on))
            ledger.projects.append((prj, None))
            ledger.allocations.append((prj, src, Decimal("50000000.00"), None))
        for op in ops:
            try:
                if op[0] == "arrive":
                    _, s, amount, on = op
                    src = ledger.sources[s]
                    funds.record_arrival(src, arrived_on=on, amount=amount)
                    ledger.arrivals.append((src, amount, on))
                elif op[0] == "pay":  # a share of the channel's cash over all dates
                    _, s, percent, on = op
                    src = ledger.sources[s]
                    cash = (sum((a for x, a, _ in ledger.arrivals if x is src), ZERO)
                            - sum((a for _, x, a, _ in ledger.payments if x is src), ZERO)
                            - sum((a for x, a, _ in ledger.recoveries if x is src), ZERO))
                    amount = (cash * percent / 100).quantize(Decimal("0.01"))
                    if amount > 0:
                        payment = funds.post_disbursement(
                            voucher_no=f"PZ{len(ledger.payments):04d}",
                            project=ledger.projects[s][0], source=src, paid_on=on,
                            amount=amount, kind=PaymentKind.PROGRESS)
                        ledger.payments.append((ledger.projects[s][0], src, amount, on))
                        ledger.originals.append(payment)
                else:
                    apply(ledger, op)
            except Refused:
                pass
        db.session.flush()
        report = carryover(as_of)
        by_code = {r["source_code"]: r for r in report.rows}
        year_end = dt.date(as_of.year - 1, 12, 31)
        for src in ledger.sources:
            arrived = [(on, a) for x, a, on in ledger.arrivals if x is src and on <= as_of]
            spent = [(on, a) for _, x, a, on in ledger.payments if x is src and on <= as_of]
            back = [(on, a) for x, a, on in ledger.recoveries if x is src and on <= as_of]

            def total(items, before=None):
                return sum((a for on, a in items
                            if before is None or (on <= year_end) == before), ZERO)

            used = total(spent) + total(back)
            # invariant 2 with recoveries: never more used than arrived, at any date
            for day in {on for on, _ in arrived + spent + back}:
                assert (sum((a for on, a in arrived if on <= day), ZERO)
                        >= sum((a for on, a in spent + back if on <= day), ZERO))
            row = by_code[src.code]
            assert row["carried_in"] == total(arrived, True) - total(spent, True) - total(
                back, True)
            assert row["arrived_this_year"] == total(arrived, False)
            assert row["spent_this_year"] == total(spent, False)
            assert row["recovered_this_year"] == total(back, False)
            assert row["balance"] == total(arrived) - used
            assert row["idle_over_1y"] == _fifo_idle(arrived, used, _a_year_before(as_of, 1))
            assert row["idle_over_2y"] == _fifo_idle(arrived, used, _a_year_before(as_of, 2))
            # invariant 9 with recoveries: the fund ledger's 已支出 and 已收回 are the sums
            f_row = fund_ledger(as_of, LedgerFilter(source_code=src.code)).rows[0]
            assert f_row["spent"] == total(spent) and f_row["recovered"] == total(back)
            assert f_row["balance"] == row["balance"]
    finally:
        savepoint.rollback()
