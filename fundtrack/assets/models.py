"""Asset handover (资产移交/确权): what a settled project leaves, who owns and keeps it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import AssetClass, EnumCode
from ..extensions import db
from ..money import Money
from ..projects.models import Project


class AssetHandover(db.Model):
    """One asset of a project handed over after 报账: its class, value, owner (产权归属),
    who maintains it (管护主体, 管护责任人), the date and the handover document."""

    __tablename__ = "asset_handover"
    __table_args__ = (
        CheckConstraint("value >= 0", name="ck_asset_handover_value_nonneg"),
        Index("ix_asset_handover_project", "project_id", "handed_over_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: 资产名称, e.g. 东村道路 3.2 公里.
    name: Mapped[str] = mapped_column(String(200))
    #: 资产类别: 经营性, 公益性 or 到户类.
    asset_class: Mapped[AssetClass] = mapped_column(EnumCode(AssetClass))
    #: 资产价值 (元); the form offers the project's spent.
    value: Mapped[Decimal] = mapped_column(Money)
    #: 产权归属 (接收单位): who owns the asset, e.g. 东村村民委员会.
    owner: Mapped[str] = mapped_column(String(100))
    #: 管护主体: who maintains it.
    maintainer: Mapped[str] = mapped_column(String(100))
    #: 管护责任人 (name, phone), free text.
    caretaker: Mapped[str | None] = mapped_column(String(100))
    #: 移交日期
    handed_over_on: Mapped[dt.date]
    #: 移交文书编号 (移交书、确权文件).
    document_no: Mapped[str | None] = mapped_column(String(100))

    project: Mapped[Project] = relationship()

    @property
    def history_key(self) -> str:
        code = self.project.code if self.project else str(self.project_id)
        return f"{code}/{self.name}"
