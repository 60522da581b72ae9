"""Saved mappings: saved (a new name, or the same name again to change it), found by
name, listed; each save in the change history."""

from __future__ import annotations

import json

from sqlalchemy import select

from ...errors import NotFound, Refused
from ...extensions import db
from ...history.service import record, snapshot
from .fields import Mapping
from .models import ImportMapping

NAME_MAX = ImportMapping.__table__.c.name.type.length
SHEET_MAX = ImportMapping.__table__.c.sheet.type.length


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Refused("请填写映射名称", "name")
    if len(name) > NAME_MAX:
        raise Refused(f"映射名称不能超过 {NAME_MAX} 个字符", "name")
    return name


def save_mapping(name: str, mapping: Mapping) -> ImportMapping:
    """Keep ``mapping`` under ``name``: a new one, or the one of that name changed."""
    name = _clean_name(name)
    sheet = (mapping.sheet or "")[:SHEET_MAX] or None
    layout = json.dumps(mapping.to_json(), ensure_ascii=False, sort_keys=True)
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if saved is None:
        saved = ImportMapping(name=name, sheet=sheet, layout=layout)
        db.session.add(saved)
        record("insert", saved)
    elif (saved.sheet, saved.layout) != (sheet, layout):
        before = snapshot(saved)
        saved.sheet, saved.layout = sheet, layout
        record("update", saved, before)
    db.session.flush()
    return saved


def get_mapping(name: str) -> tuple[ImportMapping, Mapping]:
    """The saved mapping of that name; NotFound names the saved ones."""
    saved = db.session.scalar(select(ImportMapping).where(
        ImportMapping.name == " ".join((name or "").split())))
    if saved is None:
        known = "、".join(m.name for m in saved_mappings()) or "(尚无)"
        raise NotFound(f"没有名为「{name}」的导入映射;已保存的映射:{known}", "mapping")
    return saved, Mapping.from_json(json.loads(saved.layout))


def saved_mappings() -> list[ImportMapping]:
    return list(db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)))


def mapped_columns(saved: ImportMapping) -> int:
    """How many of the county's columns the saved mapping reads."""
    return len(Mapping.from_json(json.loads(saved.layout)).mapped())
