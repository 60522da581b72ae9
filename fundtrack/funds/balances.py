"""The sums the money rules compare against: what a project has been allocated minus
what it has spent from a channel, by day (invariant 1); what a channel has allocated and
recovered (invariant 3); and its cash (arrived minus paid minus recovered) by day
(invariant 2).

Read from the database for one write; within an import session (fundtrack.importsession:
one bulk writer, the importer) read once, after the channel is locked, and kept current
by the writes of funds.service (the ``note_*`` functions here), instead of being summed
again for every row. The rules and their messages are the same code either way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..importsession import is_new, kept, update
from ..money import ZERO
from ..projects.models import Project
from .cash import ALWAYS, Cash
from .models import Allocation, Disbursement, FundArrival, FundSource, Recovery


def sum_of(column, *where) -> Decimal:
    """Σ column over the rows matching ``where`` (0 when none)."""
    return db.session.scalar(select(func.sum(column)).where(*where)) or ZERO


def _pair_balance(project: Project, source: FundSource) -> Cash:
    """A pair's allocated minus paid by day (an undated allocation on the first day there
    is); kept within an import session, where a project it added starts empty."""
    return kept("pair", (project.id, source.id),
                lambda: Cash({} if is_new(project) else _pair_by_date(project, source)))


def _pair_by_date(project: Project, source: FundSource) -> dict[dt.date, Decimal]:
    by_date: dict[dt.date, Decimal] = {}
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
        .where(Disbursement.project_id == project.id, Disbursement.source_id == source.id)
        .group_by(Disbursement.paid_on)
    )
    for day, amount in payments:
        by_date[day] = by_date.get(day, ZERO) - amount
    return by_date


def note_pair(project: Project, source: FundSource, day: dt.date | None,
              amount: Decimal) -> None:
    """Keep a kept pair current after a write (allocation +, payment -, ``day`` None for
    an undated allocation). A pair not loaded yet reads the write from the database when
    it is, except a new project's, which has nothing else to read: it starts here."""
    if is_new(project):
        _pair_balance(project, source)
    update("pair", (project.id, source.id), lambda cash: cash.add(day or ALWAYS, amount))


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
    """Σ allocated from the channel to all projects (invariant 3)."""
    return kept("allocated", source.id,
                lambda: sum_of(Allocation.amount, Allocation.source_id == source.id))


def note_allocated(source_id: int, amount: Decimal) -> None:
    update("allocated", source_id, lambda allocated: allocated + amount)


def source_recovered(source: FundSource) -> Decimal:
    """Σ the channel's recoveries at any date (invariant 3)."""
    return kept("recovered", source.id,
                lambda: sum_of(Recovery.amount, Recovery.source_id == source.id))


def note_recovered(source_id: int, day: dt.date, amount: Decimal) -> None:
    """Keep the kept sums of a channel current after a recovery of ``amount``: its cash
    at ``day`` and later, and its recovered total."""
    note_cash(source_id, day, -amount)
    update("recovered", source_id, lambda recovered: recovered + amount)


def _cash(source: FundSource) -> Cash:
    """Arrived minus paid minus recovered, by day, of one channel (kept within an
    import session)."""
    return kept("cash", source.id, lambda: Cash(_cash_by_date(source)))


def _cash_by_date(source: FundSource) -> dict[dt.date, Decimal]:
    by_date: dict[dt.date, Decimal] = {}
    for model, day_column, sign in ((FundArrival, FundArrival.arrived_on, 1),
                                    (Disbursement, Disbursement.paid_on, -1),
                                    (Recovery, Recovery.recovered_on, -1)):
        rows = db.session.execute(
            select(day_column, func.sum(model.amount))
            .where(model.source_id == source.id).group_by(day_column))
        for day, amount in rows:
            by_date[day] = by_date.get(day, ZERO) + sign * amount
    return by_date


def note_cash(source_id: int, day: dt.date, amount: Decimal) -> None:
    """Keep a kept channel's cash current after a write (arrival +, payment and
    recovery -)."""
    update("cash", source_id, lambda cash: cash.add(day, amount))


def cash_available(source: FundSource, on: dt.date) -> Decimal:
    """What a new payment or recovery dated ``on`` may take from the channel
    (invariant 2).

    The channel's arrived-minus-paid-minus-recovered balance must stay non-negative at
    ``on`` and at every later date, so this is the least such balance from ``on`` onwards.
    """
    return _cash(source).least_from(on)
