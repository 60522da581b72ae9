"""A closed month (月结) and the fund ledger as it stood when it was closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class PeriodClose(db.Model):
    """Closing a month closes every date on or before its last day."""

    __tablename__ = "period_close"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The month closed, "YYYY-MM".
    month: Mapped[str] = mapped_column(String(7), unique=True)
    #: Its last day: entries dated on or before it can no longer be added.
    ends_on: Mapped[dt.date] = mapped_column(unique=True)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(String(100))
    #: The 资金台账 as of ``ends_on`` when the month was closed: {"rows": [...],
    #: "total": {...}}, amounts as text with two decimals (see service.fund_snapshot).
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the snapshot's rows in canonical JSON, for an auditor to quote.
    digest: Mapped[str] = mapped_column(String(64))
    #: December's close only (the year's end): the 结转结余 as of ``ends_on``,
    #: {"rows": [...], "total": {...}}, amounts as text (service.carryover_snapshot);
    #: None for the other months.
    carryover: Mapped[dict | None] = mapped_column(JSON)
    #: SHA-256 of those rows in canonical JSON; None when ``carryover`` is.
    carryover_digest: Mapped[str | None] = mapped_column(String(64))

    @property
    def history_key(self) -> str:
        return self.month
