"""A balance by day, for the rules that hold at every date: a channel's cash (arrived minus
paid minus recovered; invariant 2, funds.balances.cash_available) and a project's allocation from a
channel (allocated minus paid; invariant 1, funds.balances.remaining_allocation). Read for
one write, or kept in memory and updated by a bulk writer's own writes."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from decimal import Decimal

from ..money import ZERO

#: The day an undated amount (an allocation without 安排日期) counts from: every day.
ALWAYS = dt.date.min


class Cash:
    """A balance (a channel's arrived minus paid, a pair's allocated minus paid) after each
    day that changed it."""

    def __init__(self, by_date: dict[dt.date, Decimal]):
        self.days = sorted(by_date)
        self.balances: list[Decimal] = []
        running = ZERO
        for day in self.days:
            running += by_date[day]
            self.balances.append(running)

    def add(self, day: dt.date, amount: Decimal) -> Cash:
        """Arrived (+) or paid (-) ``amount`` on ``day``; returns itself."""
        i = bisect_left(self.days, day)
        if i == len(self.days) or self.days[i] != day:
            self.days.insert(i, day)
            self.balances.insert(i, self.balances[i - 1] if i else ZERO)
        for j in range(i, len(self.balances)):  # this day and the later ones
            self.balances[j] += amount
        return self

    def least_from(self, on: dt.date) -> Decimal:
        """The least balance at ``on`` and at every later day."""
        i = bisect_right(self.days, on)
        at = self.balances[i - 1] if i else ZERO
        return min(at, min(self.balances[i:], default=at))
