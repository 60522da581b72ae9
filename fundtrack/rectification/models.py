"""A finding (整改事项) and the notes written on it (evidence, closing, reopening)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import FINDINGS
from ..enums import EnumCode, LabelledEnum, Role
from ..extensions import db
from ..projects.models import Project, Unit


class FindingSource(LabelledEnum):
    """Where a finding comes from (问题来源)."""

    INSPECTION = ("inspection", "督查")
    AUDIT = ("audit", "审计")
    CITY_NOTICE = ("city_notice", "市级通报")
    OTHER = ("other", "其他")


class FindingStatus(LabelledEnum):
    OPEN = ("open", "整改中")
    DONE = ("done", "已整改")


class NoteKind(LabelledEnum):
    EVIDENCE = ("evidence", "整改证据")
    CLOSE = ("close", "整改完成")
    REOPEN = ("reopen", "重新打开")


#: Who record findings, close and reopen them (fundtrack/access.py holds the role table).
RECORDERS = FINDINGS


class Finding(db.Model):
    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint("project_id IS NOT NULL OR unit_id IS NOT NULL",
                        name="ck_finding_project_or_unit"),
        CheckConstraint("deadline >= found_on", name="ck_finding_deadline"),
        CheckConstraint("(status = 'done') = (done_on IS NOT NULL)", name="ck_finding_done"),
        Index("ix_finding_status_deadline", "status", "deadline"),
        Index("ix_finding_unit", "unit_id"),
        Index("ix_finding_project", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FindingSource] = mapped_column(EnumCode(FindingSource))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    #: The unit responsible for the rectification: the project's unit when a project is
    #: named (set by the service), else the unit the finding names.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: 问题描述
    description: Mapped[str] = mapped_column(Text)
    found_on: Mapped[dt.date]
    #: 整改期限: overdue from the day after.
    deadline: Mapped[dt.date]
    status: Mapped[FindingStatus] = mapped_column(EnumCode(FindingStatus))
    #: 整改完成日期; set when done, cleared when reopened.
    done_on: Mapped[dt.date | None]
    created_by: Mapped[str] = mapped_column(String(100))

    project: Mapped[Project | None] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    notes: Mapped[list[FindingNote]] = relationship(
        order_by="FindingNote.id", back_populates="finding")

    @property
    def history_key(self) -> str:
        return f"整改#{self.id}"

    @property
    def target(self) -> str:
        """What the finding is about, as users name it."""
        if self.project is not None:
            return f"{self.project.code} {self.project.name}"
        return self.unit.name if self.unit else ""

    def days_overdue(self, as_of: dt.date) -> int:
        """Days past the deadline as of a date while open then (0 when not overdue)."""
        open_then = self.done_on is None or self.done_on > as_of
        return max(0, (as_of - self.deadline).days) if open_then else 0

    def editable_by(self, user) -> bool:
        """Evidence: a recorder, or a manager of the finding's unit."""
        if user.role in RECORDERS:
            return True
        return user.role == Role.MANAGER and user.unit_id is not None \
            and user.unit_id == self.unit_id

    def closable_by(self, user) -> bool:
        """Marking it rectified: a recorder only, never the unit that rectifies."""
        return user.role in RECORDERS


class FindingNote(db.Model):
    """A note on a finding, never edited: evidence, the closing note, a reopening."""

    __tablename__ = "finding_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    kind: Mapped[NoteKind] = mapped_column(EnumCode(NoteKind))
    written_on: Mapped[dt.date]
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)

    finding: Mapped[Finding] = relationship(back_populates="notes")

    @property
    def history_key(self) -> str:
        return f"整改#{self.finding_id}"
