"""A channel's cash by day, for the rule that a payment never runs ahead of the money
(invariant 2, funds.balances.cash_available): read for one payment, or kept in memory and
updated by a bulk writer's own arrivals and payments."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from decimal import Decimal

from ..money import ZERO


class Cash:
    """A channel's balance (arrived minus paid) after each day that changed it."""

    def __init__(self, by_date: dict[dt.date, Decimal]):
        self.days = sorted(by_date)
        self.balances: list[Decimal] = []
        running = ZERO
        for day in self.days:
            running += by_date[day]
            self.balances.append(running)

    def add(self, day: dt.date, amount: Decimal) -> None:
        """Arrived (+) or paid (-) ``amount`` on ``day``."""
        i = bisect_left(self.days, day)
        if i == len(self.days) or self.days[i] != day:
            self.days.insert(i, day)
            self.balances.insert(i, self.balances[i - 1] if i else ZERO)
        for j in range(i, len(self.balances)):  # this day and the later ones
            self.balances[j] += amount

    def least_from(self, on: dt.date) -> Decimal:
        """The least balance at ``on`` and at every later day."""
        i = bisect_right(self.days, on)
        at = self.balances[i - 1] if i else ZERO
        return min(at, min(self.balances[i:], default=at))
