"""Funding channels (资金来源), their arrivals, allocations to projects and payments.

Each channel's money is kept apart (渠道不乱): an allocation and a payment always name
one project and one channel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumCode, FundCategory, Level, PaymentKind, RecoveryDestination
from ..extensions import db
from ..money import Money
from ..projects.models import Project


class FundSource(db.Model):
    __tablename__ = "fund_source"
    __table_args__ = (
        CheckConstraint("amount_issued >= 0", name="ck_fund_source_issued_nonneg"),
        Index("ix_fund_source_year", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 资金来源编号
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(EnumCode(Level))
    category: Mapped[FundCategory] = mapped_column(EnumCode(FundCategory))
    year: Mapped[int]
    #: 下达文号: the document that issued the money.
    document_no: Mapped[str | None] = mapped_column(String(100))
    amount_issued: Mapped[Decimal] = mapped_column(Money)
    issued_on: Mapped[dt.date | None]

    def __repr__(self) -> str:
        return f"<FundSource {self.code}>"


class FundArrival(db.Model):
    """Money of a channel arriving (资金到位)."""

    __tablename__ = "fund_arrival"
    __table_args__ = (
        CheckConstraint("amount > 0", name="ck_fund_arrival_amount_pos"),
        Index("ix_fund_arrival_source_sum", "source_id", "arrived_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    arrived_on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(Text)

    source: Mapped[FundSource] = relationship()

    @property
    def history_key(self) -> str:
        return self.source.code if self.source else str(self.source_id)


class Allocation(db.Model):
    """One allocation row (资金安排) of a channel to a project; negative is a reduction."""

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ck_allocation_amount_nonzero"),
        # with the date and amount: the sums are read from the index (0005_indexes)
        Index("ix_allocation_project_source_sum", "project_id", "source_id", "allocated_on",
              "amount"),
        Index("ix_allocation_source_sum", "source_id", "allocated_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    document_no: Mapped[str | None] = mapped_column(String(100))
    #: 安排日期; an allocation without one counts at every as-of date.
    allocated_on: Mapped[dt.date | None]

    project: Mapped[Project] = relationship()
    source: Mapped[FundSource] = relationship()

    @property
    def history_key(self) -> str:
        project = self.project.code if self.project else str(self.project_id)
        source = self.source.code if self.source else str(self.source_id)
        return f"{project}/{source}"


class Disbursement(db.Model):
    """A payment (支出) by voucher, or a reversal (冲销) of one. Never edited or deleted."""

    __tablename__ = "disbursement"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ck_disbursement_amount_nonzero"),
        CheckConstraint(
            "(kind = 'reversal' AND amount < 0 AND reverses_id IS NOT NULL)"
            " OR (kind <> 'reversal' AND amount > 0 AND reverses_id IS NULL)",
            name="ck_disbursement_reversal_shape",
        ),
        Index("ix_disbursement_project_source_sum", "project_id", "source_id", "paid_on",
              "amount"),
        Index("ix_disbursement_source_sum", "source_id", "paid_on", "amount"),
        Index("ix_disbursement_reverses", "reverses_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 凭证号: unique, text.
    voucher_no: Mapped[str] = mapped_column(String(50), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    paid_on: Mapped[dt.date]
    #: Negative for a reversal.
    amount: Mapped[Decimal] = mapped_column(Money)
    kind: Mapped[PaymentKind] = mapped_column(EnumCode(PaymentKind))
    #: 收款单位
    payee: Mapped[str | None] = mapped_column(String(200))
    #: The payment this reversal takes back (冲销凭证号).
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("disbursement.id"))
    #: 摘要; for a reversal, its reason.
    memo: Mapped[str | None] = mapped_column(Text)
    #: 收款账号: the payee's bank account, text (as the treasury's export lists it).
    payee_account: Mapped[str | None] = mapped_column(String(50))
    #: 预算科目: the budget subject the treasury books the payment under.
    budget_subject: Mapped[str | None] = mapped_column(String(100))

    project: Mapped[Project] = relationship()
    source: Mapped[FundSource] = relationship()
    reverses: Mapped[Disbursement | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Disbursement {self.voucher_no} {self.amount}>"


class Recovery(db.Model):
    """Money taken back from a channel (资金收回): returned to the level that issued it
    (上缴上级) or taken into the county's pool (收回统筹). Invariants 2 and 3 count it."""

    __tablename__ = "recovery"
    __table_args__ = (
        CheckConstraint("amount > 0", name="ck_recovery_amount_pos"),
        Index("ix_recovery_source_sum", "source_id", "recovered_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    #: 收回日期
    recovered_on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(Money)
    #: 去向
    destination: Mapped[RecoveryDestination] = mapped_column(EnumCode(RecoveryDestination))
    #: 文号
    document_no: Mapped[str | None] = mapped_column(String(100))
    #: 原因
    reason: Mapped[str | None] = mapped_column(Text)

    source: Mapped[FundSource] = relationship()

    @property
    def history_key(self) -> str:
        return self.source.code if self.source else str(self.source_id)
