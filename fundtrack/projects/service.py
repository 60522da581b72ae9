"""The rules for projects and units."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..database import lock_name
from ..errors import NotFound, Refused
from ..extensions import db
from ..history.service import record
from .models import Project, Unit


def lock_project(project: Project) -> None:
    """Hold the project's row until the transaction ends (PostgreSQL; SQLite is locked
    whole): a settlement payment and a change of 验收 check each other (invariant 5), so
    they must not both pass on what the other has not yet written."""
    db.session.execute(select(Project.id).where(Project.id == project.id).with_for_update())


def get_project(code: str, field: str = "project_code") -> Project:
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is None:
        raise NotFound(f"项目编号「{code}」不存在", field)
    return project


def find_unit(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name.strip()))


def get_or_create_unit(name: str) -> Unit:
    """The responsible unit of that name, created if new."""
    name = (name or "").strip()
    if not name:
        raise Refused("责任单位不能为空", "unit")
    unit = find_unit(name)
    if unit is None:
        lock_name("unit", name)
        unit = find_unit(name)
    if unit is None:
        unit = Unit(name=name)
        db.session.add(unit)
        record("insert", unit)
    return unit


def create_project(
    *,
    code: str,
    name: str,
    year: int,
    township: str,
    unit: str,
    total_investment: Decimal,
    category: str | None = None,
    village: str | None = None,
    responsible_person: str | None = None,
    phone: str | None = None,
    scope: str | None = None,
    priority: bool = False,
) -> Project:
    lock_name("project", code)
    if db.session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise Refused(f"项目编号「{code}」已存在", "project_code", conflict=True)
    if total_investment < 0:
        raise Refused("总投资不能为负数", "total_investment")
    project = Project(
        code=code,
        name=name,
        year=year,
        category=category,
        township=township,
        village=village,
        unit=get_or_create_unit(unit),
        responsible_person=responsible_person,
        phone=phone,
        scope=scope,
        total_investment=total_investment,
        priority=priority,
    )
    db.session.add(project)
    record("insert", project)
    return project
