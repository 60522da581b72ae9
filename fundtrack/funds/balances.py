"""The sums the money rules compare against: what a project has been allocated minus
what it has spent from a channel, by day (invariant 1); what a channel has allocated and
recovered (invariant 3); and its cash (arrived minus paid minus recovered) by day
(invariant 2).

Read from the database for one write; within ``running_balances`` (one bulk writer, the
importer) read once and kept current by the writes of funds.service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ..bulk import load_by
from ..extensions import db
from ..money import ZERO
from ..projects.models import Project
from ..projects.service import is_new
from .cash import ALWAYS, Cash
from .models import Allocation, Disbursement, FundArrival, FundSource, Recovery


@dataclass
class Kept:
    """Running sums and lookups kept in memory for one bulk writer (see
    ``running_balances``)."""

    #: channel id → its balance by day, loaded once per channel.
    cash: dict[int, Cash] = field(default_factory=dict)
    #: (project id, channel id) → its allocated minus paid by day, loaded once per pair.
    pairs: dict[tuple[int, int], Cash] = field(default_factory=dict)
    #: channel id → allocated to all projects.
    allocated: dict[int, Decimal] = field(default_factory=dict)
    #: channel id → recovered (资金收回), at any date.
    recovered: dict[int, Decimal] = field(default_factory=dict)
    #: Channels by code and payments by voucher number (None: known not to exist).
    sources: dict[str, FundSource | None] = field(default_factory=dict)
    vouchers: dict[str, Disbursement | None] = field(default_factory=dict)
    #: voucher number of a payment → what its reversals took back so far.
    reversed: dict[str, Decimal] = field(default_factory=dict)
    #: Channels whose row this transaction has locked.
    locked: set[int] = field(default_factory=set)
    #: The tendering threshold, read once (payment warnings).
    threshold: Decimal | None = None


_kept: ContextVar[Kept | None] = ContextVar("fundtrack_balances", default=None)


def kept() -> Kept | None:
    """What running_balances keeps for the bulk writer now running; None outside it."""
    return _kept.get()


@contextmanager
def running_balances(sources: Iterable[str] = (),
                     vouchers: Iterable[str] = ()) -> Iterator[None]:
    """Within it, the sums the rules compare against are read from the database once per
    channel and pair (not at all for a project added in this transaction), then kept up
    to date by the writes of funds.service, instead of being summed again for every row.
    The channels of the codes ``sources`` and the payments of ``vouchers`` are looked up
    at once, and every one looked up or added afterwards is kept. The rules and their
    messages are unchanged.

    For one caller writing many rows in one transaction (the importer): the sums are
    read after the channel is locked (``lock_source``, once per channel), and every
    write that changes them goes through funds.service, so they stay exact for the
    transaction. Enter it at the start of the transaction, with the names locked
    (``database.bulk_names``).
    """
    cache = Kept()
    token = _kept.set(cache)
    try:
        cache.sources.update(load_by(FundSource, FundSource.code, sources))
        cache.vouchers.update(load_by(Disbursement, Disbursement.voucher_no, vouchers))
        yield
    finally:
        _kept.reset(token)


def sum_of(column, *where) -> Decimal:
    """Σ column over the rows matching ``where`` (0 when none)."""
    return db.session.scalar(select(func.sum(column)).where(*where)) or ZERO


def _pair_balance(project: Project, source: FundSource) -> Cash:
    """A pair's allocated minus paid by day (an undated allocation on the first day there
    is), read from the database once within running_balances and kept there."""
    cache = _kept.get()
    key = (project.id, source.id)
    if cache is not None and key in cache.pairs:
        return cache.pairs[key]
    by_date: dict[dt.date, Decimal] = {}
    if cache is None or not is_new(project):
        allocations = db.session.execute(
            select(Allocation.allocated_on, func.sum(Allocation.amount))
            .where(Allocation.project_id == project.id, Allocation.source_id == source.id)
            .group_by(Allocation.allocated_on)
        )
        for day, amount in allocations:
            day = day or ALWAYS
            by_date[day] = by_date.get(day, ZERO) + amount
        payments = db.session.execute(
            select(Disbursement.paid_on, func.sum(Disbursement.amount))
            .where(Disbursement.project_id == project.id,
                   Disbursement.source_id == source.id)
            .group_by(Disbursement.paid_on)
        )
        for day, amount in payments:
            by_date[day] = by_date.get(day, ZERO) - amount
    balance = Cash(by_date)
    if cache is not None:
        cache.pairs[key] = balance
    return balance


def note_pair(project: Project, source: FundSource, day: dt.date | None,
              amount: Decimal) -> None:
    """Keep a kept pair current after a write (allocation +, payment -, ``day`` None for
    an undated allocation). A pair not loaded yet reads the write from the database when
    it is, except a new project's, which has nothing else to read."""
    cache = _kept.get()
    if cache is None:
        return
    key = (project.id, source.id)
    if key not in cache.pairs and is_new(project):
        cache.pairs[key] = Cash({})
    if key in cache.pairs:
        cache.pairs[key].add(day or ALWAYS, amount)


def remaining_allocation(project: Project, source: FundSource,
                         on: dt.date | None) -> Decimal:
    """What a payment dated ``on`` may still take from the pair's allocation, or what a
    reduction dated ``on`` (None: undated, counting at every date) may take back
    (invariant 1).

    The pair's allocated-minus-paid balance must stay non-negative at ``on`` and at every
    later date, so this is the least such balance from ``on`` onwards.
    """
    return _pair_balance(project, source).least_from(on or ALWAYS)


def source_allocated(source: FundSource) -> Decimal:
    cache = _kept.get()
    if cache is None:
        return sum_of(Allocation.amount, Allocation.source_id == source.id)
    if source.id not in cache.allocated:
        cache.allocated[source.id] = sum_of(Allocation.amount, Allocation.source_id == source.id)
    return cache.allocated[source.id]


def source_recovered(source: FundSource) -> Decimal:
    """Σ the channel's recoveries at any date (invariant 3; cached like the allocated)."""
    cache = _kept.get()
    if cache is None:
        return sum_of(Recovery.amount, Recovery.source_id == source.id)
    if source.id not in cache.recovered:
        cache.recovered[source.id] = sum_of(Recovery.amount, Recovery.source_id == source.id)
    return cache.recovered[source.id]


def note_recovered(source_id: int, day: dt.date, amount: Decimal) -> None:
    """Keep the kept sums of a channel current after a recovery of ``amount``: its cash
    at ``day`` and later, and its recovered total (each only if loaded)."""
    note_cash(source_id, day, -amount)
    cache = _kept.get()
    if cache is not None and source_id in cache.recovered:
        cache.recovered[source_id] += amount


def _cash(source: FundSource) -> Cash:
    """Arrived minus paid minus recovered, by day, of one channel (cached within
    running_balances)."""
    cache = _kept.get()
    if cache is not None and source.id in cache.cash:
        return cache.cash[source.id]
    by_date: dict[dt.date, Decimal] = {}
    arrivals = db.session.execute(
        select(FundArrival.arrived_on, func.sum(FundArrival.amount))
        .where(FundArrival.source_id == source.id)
        .group_by(FundArrival.arrived_on)
    )
    for day, amount in arrivals:
        by_date[day] = by_date.get(day, ZERO) + amount
    payments = db.session.execute(
        select(Disbursement.paid_on, func.sum(Disbursement.amount))
        .where(Disbursement.source_id == source.id)
        .group_by(Disbursement.paid_on)
    )
    for day, amount in payments:
        by_date[day] = by_date.get(day, ZERO) - amount
    recoveries = db.session.execute(
        select(Recovery.recovered_on, func.sum(Recovery.amount))
        .where(Recovery.source_id == source.id)
        .group_by(Recovery.recovered_on)
    )
    for day, amount in recoveries:
        by_date[day] = by_date.get(day, ZERO) - amount
    cash = Cash(by_date)
    if cache is not None:
        cache.cash[source.id] = cash
    return cash


def note_cash(source_id: int, day: dt.date, amount: Decimal) -> None:
    """Keep a cached channel's cash current after a write (arrival +, payment and
    recovery -). Only
    sums loaded before the write are updated: one loaded later reads the write itself."""
    cache = _kept.get()
    if cache is not None and source_id in cache.cash:
        cache.cash[source_id].add(day, amount)


def cash_available(source: FundSource, on: dt.date) -> Decimal:
    """What a new payment or recovery dated ``on`` may take from the channel
    (invariant 2).

    The channel's arrived-minus-paid-minus-recovered balance must stay non-negative at
    ``on`` and at every later date, so this is the least such balance from ``on`` onwards.
    """
    return _cash(source).least_from(on)
