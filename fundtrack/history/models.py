"""The change history (变更记录): who changed which record, when, from what to what."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Change(db.Model):
    __tablename__ = "change"
    __table_args__ = (
        Index("ix_change_entity", "entity", "entity_id"),
        Index("ix_change_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: A user name, or "命令行:<command>" for the command line.
    actor: Mapped[str] = mapped_column(String(100))
    #: insert, update or reverse.
    action: Mapped[str] = mapped_column(String(20))
    #: The table of the record changed.
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    #: The record's code or voucher number, as users name it.
    entity_key: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
