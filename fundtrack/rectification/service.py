"""The rules of rectification (整改): recording a finding, evidence, closing, reopening.

A finding is never deleted: it is closed (with an evidence note and a done date), or
reopened with a note. Every change goes into the change history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..database import current_actor
from ..errors import NotFound, Refused
from ..extensions import db
from ..history.service import record, snapshot
from ..projects.models import Project, Unit
from .models import Finding, FindingNote, FindingSource, FindingStatus, NoteKind

MAX_TEXT = 4000


def get_finding(finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"没有编号为 {finding_id} 的整改事项", "id")
    return finding


def _text(value, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Refused(f"请填写{what}", field)
    if len(text) > MAX_TEXT:
        raise Refused(f"{what}不能超过 {MAX_TEXT} 字", field)
    return text


def _resolve(project_code: str | None, unit_name: str | None) -> tuple[Project | None,
                                                                      Unit | None]:
    project = unit = None
    if project_code:
        project = db.session.scalar(select(Project).where(Project.code == project_code))
        if project is None:
            raise NotFound(f"没有编号为「{project_code}」的项目", "project_code")
    if unit_name:
        unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise NotFound(f"没有名为「{unit_name}」的责任单位", "unit")
    if project is None and unit is None:
        raise Refused("请填写项目编号或责任单位(至少一项)", "project_code")
    if project is not None and unit is not None and unit.id != project.unit_id:
        raise Refused(
            f"项目「{project.code}」的责任单位是「{project.unit.name}」,与所填「{unit.name}」不一致",
            "unit")
    return project, unit


def record_finding(*, source: FindingSource, description: str, found_on: dt.date,
                   deadline: dt.date, project_code: str | None = None,
                   unit_name: str | None = None) -> Finding:
    """Record a finding about a project (its unit then rectifies it) or a unit."""
    project, unit = _resolve((project_code or "").strip() or None,
                             (unit_name or "").strip() or None)
    text = _text(description, "description", "问题描述")
    if found_on is None:
        raise Refused("请填写发现日期", "found_on")
    if deadline is None:
        raise Refused("请填写整改期限", "deadline")
    if deadline < found_on:
        raise Refused(f"整改期限 {deadline} 不能早于发现日期 {found_on}", "deadline")
    finding = Finding(
        source=FindingSource(source), description=text, found_on=found_on,
        deadline=deadline, status=FindingStatus.OPEN, done_on=None,
        project_id=project.id if project else None,
        unit_id=project.unit_id if project else unit.id,
        created_by=current_actor(),
    )
    db.session.add(finding)
    record("insert", finding)
    return finding


def _note(finding: Finding, kind: NoteKind, text: str, on: dt.date) -> FindingNote:
    note = FindingNote(finding_id=finding.id, kind=kind, text=text, written_on=on,
                       at=dt.datetime.now(dt.UTC), author=current_actor())
    db.session.add(note)
    record("insert", note)
    return note


def add_evidence(finding: Finding, text: str, on: dt.date) -> FindingNote:
    """An evidence note (整改证据) on a finding, open or done."""
    return _note(finding, NoteKind.EVIDENCE, _text(text, "note", "整改证据说明"), on)


def close(finding: Finding, *, done_on: dt.date, note: str) -> Finding:
    """Mark a finding done: needs an evidence note and a done date on or after it was
    found."""
    if finding.status == FindingStatus.DONE:
        raise Refused("该整改事项已整改完成", "status", conflict=True)
    text = _text(note, "note", "整改证据说明")
    if done_on is None:
        raise Refused("请填写整改完成日期", "done_on")
    if done_on < finding.found_on:
        raise Refused(f"整改完成日期 {done_on} 不能早于发现日期 {finding.found_on}", "done_on")
    before = snapshot(finding)
    finding.status, finding.done_on = FindingStatus.DONE, done_on
    record("update", finding, before)
    _note(finding, NoteKind.CLOSE, text, done_on)
    return finding


def reopen(finding: Finding, *, note: str, on: dt.date) -> Finding:
    """Reopen a finding judged not rectified, with a note saying why."""
    if finding.status != FindingStatus.DONE:
        raise Refused("该整改事项尚未完成,无需重新打开", "status", conflict=True)
    text = _text(note, "note", "重新打开的原因")
    before = snapshot(finding)
    finding.status, finding.done_on = FindingStatus.OPEN, None
    record("update", finding, before)
    _note(finding, NoteKind.REOPEN, text, on)
    return finding


def is_overdue(as_of: dt.date, f=Finding):
    """SQL: open as of D (not done on or before D), found by D, and deadline < D."""
    return (f.found_on <= as_of) & (f.deadline < as_of) & (
        f.done_on.is_(None) | (f.done_on > as_of))
