"""Contracts (合同): what a project's payments are checked against in audits.

A contract belongs to one project; a project may have several (works, supervision,
design...). Payments do not name a contract: the warnings compare a project's payments
with the sum of its contracts (warnings/contracts.py)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumCode, TenderMethod
from ..extensions import db
from ..money import CENT, Money, Rate
from ..projects.models import Project


def retention_of(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    """质保金: a contract amount times its rate, half up to the fen (None: no rate)."""
    if rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


class Contract(db.Model):
    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("amount > 0", name="ck_contract_amount_pos"),
        CheckConstraint("retention_rate >= 0 AND retention_rate <= 10000",
                        name="ck_contract_retention_rate"),
        Index("ix_contract_project", "project_id", "signed_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 合同编号: text as written on the contract (brackets and 〔〕 included), unique.
    contract_no: Mapped[str] = mapped_column(String(50), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: 承建单位: the counterparty.
    contractor: Mapped[str] = mapped_column(String(200))
    #: 合同金额
    amount: Mapped[Decimal] = mapped_column(Money)
    #: 签订日期; a contract without one counts at every date (as an undated allocation).
    signed_on: Mapped[dt.date | None]
    #: 招标方式; None when the workbook did not say.
    tender_method: Mapped[TenderMethod | None] = mapped_column(EnumCode(TenderMethod))
    #: 质保金比例 as a rate (0.0300 is 3%); None: no retention.
    retention_rate: Mapped[Decimal | None] = mapped_column(Rate)
    #: 质保期满日期: the retention (质保金) may be paid from this date on.
    retention_due_on: Mapped[dt.date | None]

    project: Mapped[Project] = relationship()

    @property
    def retention(self) -> Decimal | None:
        """质保金: the contract amount times its rate, half up to the fen."""
        return retention_of(self.amount, self.retention_rate)

    @property
    def history_key(self) -> str:
        return self.contract_no

    def __repr__(self) -> str:
        return f"<Contract {self.contract_no} {self.amount}>"
