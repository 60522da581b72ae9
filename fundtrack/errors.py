"""Refusals: what a rule or an unreadable value says to the user, in Chinese."""

from __future__ import annotations


class Refused(Exception):
    """An entry the system refuses.

    ``field`` is the English key of the value at fault (as in the workbook and JSON), so
    that the importer can name the column and the API the field. ``conflict`` marks a
    clash with what the ledger already holds (an overspend, a duplicate): HTTP 409 rather
    than 422.
    """

    def __init__(self, message: str, field: str | None = None, *, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict


class NotFound(Refused):
    """A code that names nothing."""
