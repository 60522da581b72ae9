"""An attachment (附件): one stored document and what it belongs to, never deleted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import EnumCode, LabelledEnum
from ..extensions import db


class DocumentKind(LabelledEnum):
    """What a document is (要件类型), CONTRACT.md's words."""

    ISSUING = ("issuing", "下达文件")
    CONTRACT = ("contract", "合同")
    AWARD = ("award", "中标通知书")
    INVOICE = ("invoice", "发票")
    ACCEPTANCE = ("acceptance", "验收报告")
    SETTLEMENT_AUDIT = ("settlement_audit", "结算审计报告")
    PHOTO = ("photo", "公示照片")
    RECTIFICATION = ("rectification", "整改材料")
    OTHER = ("other", "其他")


class OwnerType(LabelledEnum):
    """What an attachment belongs to; the code is the prefix of ``owner`` (source:CODE)."""

    SOURCE = ("source", "资金渠道")
    PROJECT = ("project", "项目")
    DISBURSEMENT = ("disbursement", "支出")
    FINDING = ("finding", "整改事项")


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[OwnerType] = mapped_column(EnumCode(OwnerType))
    owner_id: Mapped[int]
    #: How users name the owner: source:CODE, project:CODE, disbursement:VOUCHER, finding:ID.
    owner_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DocumentKind] = mapped_column(EnumCode(DocumentKind))
    #: The name as uploaded: shown, never used as a path.
    filename: Mapped[str] = mapped_column(String(255))
    #: The type its content proved (storage.sniff), never the name's.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    #: The earlier attachment this one replaces (both stay listed).
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))

    @property
    def history_key(self) -> str:
        return f"{self.owner_key}/{self.filename}"

    @property
    def owner(self) -> str:
        return self.owner_key
