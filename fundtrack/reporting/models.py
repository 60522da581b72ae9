"""The lower regions a collecting instance knows, and every package it has received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..money import Money


class Region(db.Model):
    """A lower region (a county for a city) that may send packages, by its
    FUNDTRACK_REGION name and the public key its packages are signed with."""

    __tablename__ = "report_region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: The Ed25519 public key, 32 bytes in base64.
    public_key: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(100))

    @property
    def history_key(self) -> str:
        return self.name


class ReportPackage(db.Model):
    """One package as received: its whole file and the figures the rollup sums. A later
    package of the same region and month supersedes it; both are kept."""

    __tablename__ = "report_package"
    __table_args__ = (Index("ix_report_package_month_region", "month", "region"),
                      Index("ix_report_package_digest", "digest"))

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(4))
    month: Mapped[str] = mapped_column(String(7))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_by: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the package file's canonical JSON (signature included).
    digest: Mapped[str] = mapped_column(String(64))
    #: The package as received.
    body: Mapped[dict] = mapped_column(JSON)
    amount_issued: Mapped[Decimal] = mapped_column(Money)
    arrived: Mapped[Decimal] = mapped_column(Money)
    spent: Mapped[Decimal] = mapped_column(Money)
    recovered: Mapped[Decimal] = mapped_column(Money)
    projects: Mapped[int]
    started: Mapped[int]
    completed: Mapped[int]
    overdue_count: Mapped[int]

    @property
    def history_key(self) -> str:
        return f"{self.region} {self.month}"


class ReportReturn(db.Model):
    """退回: the collecting instance sends a region's month back with a note (who, when).
    It names the package returned, the latest of that region and month at the time; a
    package received later for the same month is the correction and supersedes it."""

    __tablename__ = "report_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("report_package.id"), index=True)
    region: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(7))
    #: Why it is returned: what the region is to correct.
    note: Mapped[str] = mapped_column(String(500))
    returned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    returned_by: Mapped[str] = mapped_column(String(100))

    @property
    def history_key(self) -> str:
        return f"{self.region} {self.month}"
