"""What a reconciliation keeps: the explanations of differences (差异说明). The
reconciliation itself keeps nothing; it is computed from the export each time."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Explanation(db.Model):
    """A difference between the treasury's export and the ledger marked as explained,
    with a note (差异说明). Later reconciliations show the difference as explained while
    it still concerns the same fields."""

    __tablename__ = "treasury_explanation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The treasury's 支付凭证号.
    voucher_no: Mapped[str] = mapped_column(String(50))
    #: The ledger's 凭证号 of the pair (the same unless paired by amount, payee and date).
    ledger_voucher_no: Mapped[str | None] = mapped_column(String(50))
    #: The fields that differed, by English key, comma-separated (e.g. "amount,payee").
    fields: Mapped[str] = mapped_column(String(200))
    #: 说明
    note: Mapped[str] = mapped_column(Text)

    @property
    def history_key(self) -> str:
        return self.voucher_no

    def __repr__(self) -> str:
        return f"<Explanation {self.voucher_no} {self.fields}>"
