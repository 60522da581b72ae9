"""Project milestones (节点) with planned and actual dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EnumPosition, MilestoneKind
from ..extensions import db
from ..projects.models import Project


class Milestone(db.Model):
    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", name="uq_milestone_project_kind"),
        CheckConstraint("kind BETWEEN 1 AND 8", name="ck_milestone_kind"),
        Index("ix_milestone_kind_done", "kind", "done_on"),
        # overdue as of D (planned before D, not done by D) from the index alone
        Index("ix_milestone_planned_done", "planned_on", "done_on", "project_id", "kind"),
        Index("ix_milestone_project_dates", "project_id", "kind", "planned_on", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: Position in the fixed order 立项入库 (1) … 报账 (8).
    kind: Mapped[MilestoneKind] = mapped_column(EnumPosition(MilestoneKind))
    planned_on: Mapped[dt.date | None]
    #: 实际日期: the milestone is done as of D when done_on <= D.
    done_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(Text)
    #: 基准计划: the planned date in force when the project entered 实施.
    baseline_on: Mapped[dt.date | None]

    project: Mapped[Project] = relationship()

    # "Done as of D" and "overdue as of D" (DOMAIN.md), for a milestone and, in SQL, for
    # the class or an alias of it (``aliased(Milestone).is_done(as_of)``).

    @hybrid_method
    def is_done(self, as_of: dt.date) -> bool:
        return self.done_on is not None and self.done_on <= as_of

    @is_done.expression
    def is_done(cls, as_of: dt.date):
        return and_(cls.done_on.is_not(None), cls.done_on <= as_of)

    @hybrid_method
    def is_overdue(self, as_of: dt.date) -> bool:
        """Planned before D and not done as of D (a milestone planned for D is not yet
        late)."""
        return (self.planned_on is not None and self.planned_on < as_of
                and (self.done_on is None or self.done_on > as_of))

    @is_overdue.expression
    def is_overdue(cls, as_of: dt.date):
        return and_(
            cls.planned_on < as_of,
            or_(cls.done_on.is_(None), cls.done_on > as_of),
        )

    @property
    def history_key(self) -> str:
        code = self.project.code if self.project else str(self.project_id)
        return f"{code}/{self.kind.label}"


class PlanAdjustment(db.Model):
    """计划调整: a planned date of a project in 实施 changed, with who, when and why."""

    __tablename__ = "plan_adjustment"
    __table_args__ = (Index("ix_plan_adjustment_milestone", "milestone_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    old_on: Mapped[dt.date | None]
    new_on: Mapped[dt.date | None]
    reason: Mapped[str] = mapped_column(String(500))

    milestone: Mapped[Milestone] = relationship()

    @property
    def history_key(self) -> str:
        return self.milestone.history_key if self.milestone else str(self.milestone_id)
