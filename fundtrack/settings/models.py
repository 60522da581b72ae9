"""Settings kept in the database, one row per key, the value as text (JSON or a number)."""

from __future__ import annotations

import zlib

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Setting(db.Model):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    #: Text: a decimal amount, or a JSON object (see the module of its group).
    value: Mapped[str] = mapped_column(Text)

    # The change history names a record by an integer id and a readable key
    # (history.service.record reads ``id`` and ``name``): a setting is named by its key,
    # and its id is a stable number derived from the key.
    @property
    def id(self) -> int:
        return zlib.crc32(self.key.encode()) & 0x7FFFFFFF

    @property
    def name(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"<Setting {self.key}>"
