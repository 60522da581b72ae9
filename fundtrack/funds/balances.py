"""The sums the money rules compare against, over all dates: what a project has been
allocated and has spent from a channel, what a channel has allocated, and its cash
(arrived minus paid) by day.

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
from .cash import Cash
from .models import Allocation, Disbursement, FundArrival, FundSource


@dataclass
class Kept:
    """Running sums and lookups kept in memory for one bulk writer (see
    ``running_balances``)."""

    #: channel id → its balance by day, loaded once per channel.
    cash: dict[int, Cash] = field(default_factory=dict)
    #: (project id, channel id) → [allocated, spent], loaded once per pair.
    pairs: dict[tuple[int, int], list[Decimal]] = field(default_factory=dict)
    #: channel id → allocated to all projects.
    allocated: dict[int, Decimal] = field(default_factory=dict)
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


def pair_sums(project: Project, source: FundSource) -> list[Decimal] | None:
    """The kept [allocated, spent] of a pair, loaded on first use (the services add their
    writes to it); None outside running_balances."""
    cache = _kept.get()
    if cache is None:
        return None
    key = (project.id, source.id)
    if key not in cache.pairs:
        if is_new(project):
            cache.pairs[key] = [ZERO, ZERO]
        else:
            cache.pairs[key] = [
                sum_of(Allocation.amount, Allocation.project_id == project.id,
                     Allocation.source_id == source.id),
                sum_of(Disbursement.amount, Disbursement.project_id == project.id,
                     Disbursement.source_id == source.id),
            ]
    return cache.pairs[key]


def pair_allocated(project: Project, source: FundSource) -> Decimal:
    cached = pair_sums(project, source)
    if cached is not None:
        return cached[0]
    return sum_of(
        Allocation.amount, Allocation.project_id == project.id, Allocation.source_id == source.id
    )


def pair_spent(project: Project, source: FundSource) -> Decimal:
    cached = pair_sums(project, source)
    if cached is not None:
        return cached[1]
    return sum_of(
        Disbursement.amount,
        Disbursement.project_id == project.id,
        Disbursement.source_id == source.id,
    )


def source_allocated(source: FundSource) -> Decimal:
    cache = _kept.get()
    if cache is None:
        return sum_of(Allocation.amount, Allocation.source_id == source.id)
    if source.id not in cache.allocated:
        cache.allocated[source.id] = sum_of(Allocation.amount, Allocation.source_id == source.id)
    return cache.allocated[source.id]


def _cash(source: FundSource) -> Cash:
    """Arrived minus paid, by day, of one channel (cached within running_balances)."""
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
    cash = Cash(by_date)
    if cache is not None:
        cache.cash[source.id] = cash
    return cash


def note_cash(source_id: int, day: dt.date, amount: Decimal) -> None:
    """Keep a cached channel's cash current after a write (arrival +, payment -). Only
    sums loaded before the write are updated: one loaded later reads the write itself."""
    cache = _kept.get()
    if cache is not None and source_id in cache.cash:
        cache.cash[source_id].add(day, amount)


def cash_available(source: FundSource, on: dt.date) -> Decimal:
    """What a new payment dated ``on`` may take from the channel (invariant 2).

    The channel's arrived-minus-paid balance must stay non-negative at ``on`` and at every
    later date, so this is the least such balance from ``on`` onwards.
    """
    return _cash(source).least_from(on)
