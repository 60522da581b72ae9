"""Projects (项目库) and the responsible units (责任单位) that carry them out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumCode, ProjectStatus, Role, UnitKind
from ..extensions import db
from ..money import Money


class Unit(db.Model):
    """A responsible unit: a county bureau or a township government."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: 县直部门 or 乡镇 (None: not yet said, e.g. a unit created by an import).
    kind: Mapped[UnitKind | None] = mapped_column(EnumCode(UnitKind, 10))
    #: 联系人/联系电话, free text.
    contact: Mapped[str | None] = mapped_column(String(100))

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
    #: 项目状态: a project imported without one is 实施.
    status: Mapped[ProjectStatus] = mapped_column(
        EnumCode(ProjectStatus), default=ProjectStatus.IMPLEMENTING,
        server_default=ProjectStatus.IMPLEMENTING.value)
    #: 终止: why the project was stopped.
    stop_reason: Mapped[str | None] = mapped_column(String(500))
    #: 审定: who approved the project into the plan, and when.
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Project {self.code}>"

    def editable_by(self, user) -> bool:
        """Who may change the project's fields: admin and finance any project, a manager
        their own unit's."""
        if user.role in (Role.ADMIN, Role.FINANCE):
            return True
        return user.role == Role.MANAGER and user.unit_id == self.unit_id

    def milestones_editable_by(self, user) -> bool:
        """An admin, or a manager of this project's own responsible unit."""
        if user.role == Role.ADMIN:
            return True
        return user.role == Role.MANAGER and user.unit_id == self.unit_id
