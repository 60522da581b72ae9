"""Saved mappings (导入映射): a county's layout, named, for next month's file."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db


class ImportMapping(db.Model):
    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: The worksheet it was made on, opened by default next time.
    sheet: Mapped[str | None] = mapped_column(String(100))
    #: fields.Mapping.to_json(), as JSON text: each county header's field, channel, unit,
    #: and the county's unit names matched to fundtrack's.
    layout: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ImportMapping {self.name}>"
