"""Performance targets (绩效目标): the indicators a project is planned and judged by."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumCode, TargetCategory
from ..extensions import db
from ..projects.models import Project


class PerformanceTarget(db.Model):
    """One indicator of a project: 产出 / 效益 / 满意度, its name, unit of measure and
    target; at completion the actual value, whether it was met and why not."""

    __tablename__ = "performance_target"
    __table_args__ = (Index("ix_performance_target_project", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: 指标类别: 产出, 效益 or 满意度.
    category: Mapped[TargetCategory] = mapped_column(EnumCode(TargetCategory))
    #: 指标名称, e.g. 新建道路长度.
    name: Mapped[str] = mapped_column(String(100))
    #: 计量单位, e.g. 公里, %, 户.
    measure: Mapped[str | None] = mapped_column(String(20))
    #: 目标值: text, since indicators are written as "≥95" or "3.2" alike.
    target: Mapped[str] = mapped_column(String(50))
    #: 实际值, recorded at completion (None: not yet evaluated).
    actual: Mapped[str | None] = mapped_column(String(50))
    #: 是否达成 (None: not yet evaluated).
    met: Mapped[bool | None]
    #: 未达成原因: required when the target was not met.
    gap_reason: Mapped[str | None] = mapped_column(String(500))

    project: Mapped[Project] = relationship()

    @property
    def history_key(self) -> str:
        code = self.project.code if self.project else str(self.project_id)
        return f"{code}/{self.name}"
