"""Projects (项目库) and the responsible units (责任单位) that carry them out."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money


class Unit(db.Model):
    """A responsible unit: a county bureau or a township government."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class Project(db.Model):
    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint("total_investment >= 0", name="ck_project_investment_nonneg"),
        Index("ix_project_year_township", "year", "township"),
        Index("ix_project_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 项目编号: text, leading zeros kept.
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    #: 项目类别: free text (基础设施, 产业发展, ...).
    category: Mapped[str | None] = mapped_column(String(50))
    township: Mapped[str] = mapped_column(String(50))
    village: Mapped[str | None] = mapped_column(String(50))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    responsible_person: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    #: 建设内容
    scope: Mapped[str | None] = mapped_column(Text)
    total_investment: Mapped[Decimal] = mapped_column(Money)
    #: 重点村: the project lies in a priority (poor) village.
    priority: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Project {self.code}>"

    def milestones_editable_by(self, user) -> bool:
        """An admin, or a manager of this project's own responsible unit."""
        from ..enums import Role

        if user.role == Role.ADMIN:
            return True
        return user.role == Role.MANAGER and user.unit_id == self.unit_id
