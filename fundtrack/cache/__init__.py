"""Computed figures kept until the data changes.

A county's ledger is read far more often than it is written: leaders open the dashboard,
inspectors page through the ledgers, between a clerk's payments. The figures of a page
(totals as of a date, counts of warnings) are aggregates over whole tables, so their cost
grows with the ledger, while what is shown (a page of rows) does not. This package keeps
such results, keyed by what they were computed from:

- ``version``: the data's version, a random token in one database row, replaced in the
  same transaction as every write (any INSERT, UPDATE or DELETE through the session).
  Every process reads it, so a figure cached by one worker is never served after another
  worker's write. A transaction that has written reads past the cache.
- ``store``: an in-process LRU per application, and the ``cached`` decorator that keys a
  function's result by its arguments and the version.

The first reader after a write computes the figures in full; the readers after it get
them at the cost of one indexed lookup.
"""

from .store import cached, clear, init_app
from .version import current_token

__all__ = ["cached", "clear", "current_token", "init_app"]
