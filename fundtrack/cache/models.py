"""The data's version: one row, its token replaced by every writing transaction."""

from __future__ import annotations

from sqlalchemy import DDL, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: The one row's id.
ROW_ID = 1


class DataVersion(db.Model):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A random hex token: a new one is written in every transaction that writes.
    token: Mapped[str] = mapped_column(String(32))


# A database made from the models (create_all) gets its row as the migration does.
event.listen(
    DataVersion.__table__, "after_create",
    DDL(f"INSERT INTO data_version (id, token) VALUES ({ROW_ID}, 'initial')"),
)
