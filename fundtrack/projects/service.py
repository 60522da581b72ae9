"""The rules for projects and units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ..bulk import add, build
from ..database import lock_name
from ..enums import ProjectStatus, Role, UnitKind
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import clean, normalize
from ..history.service import record, snapshot
from ..importsession import find_by, lock_once
from .models import Project, Unit


def lock_project(project: Project) -> None:
    """Hold the project's row until the transaction ends (PostgreSQL; SQLite is locked
    whole): a settlement payment and a change of 验收 check each other (invariant 5), so
    they must not both pass on what the other has not yet written. Within an import
    session, once per project (importsession.lock_once)."""
    if not lock_once(project):
        return
    with db.session.no_autoflush:  # the lock needs nothing written first
        db.session.execute(
            select(Project.id).where(Project.id == project.id).with_for_update()
        )


def get_project(code: str, field: str = "project_code") -> Project:
    project = find_by(Project, code=normalize(code))
    if project is None:
        raise NotFound(f"项目编号「{code}」不存在", field)
    return project


def find_unit(name: str) -> Unit | None:
    return find_by(Unit, name=normalize(name))


def get_or_create_unit(name: str) -> Unit:
    """The responsible unit of that name (normalised: fields.clean), created if new."""
    name = clean("unit", name, required=True)
    unit = find_unit(name)
    if unit is None:
        lock_name("unit", name)
        unit = find_unit(name)
    if unit is None:
        unit = Unit(name=name)
        add(unit)
        record("insert", unit)
    return unit


def get_unit(name: str | None, field: str = "unit") -> Unit:
    """An existing responsible unit, by name: forms and the API choose from the list, so
    that a typo never creates a unit."""
    name = (name or "").strip()
    if not name:
        raise Refused("责任单位不能为空", field)
    unit = find_unit(name)
    if unit is None:
        raise Refused(f"责任单位「{name}」不存在,请从责任单位列表中选择", field)
    return unit


#: The longest name and contact a unit keeps (the columns' lengths).
UNIT_NAME_MAX = Unit.__table__.c.name.type.length
UNIT_CONTACT_MAX = Unit.__table__.c.contact.type.length


def _unit_fields(name: str | None, kind, contact: str | None) -> tuple:
    name = (name or "").strip()
    if not name:
        raise Refused("责任单位名称不能为空", "name")
    if len(name) > UNIT_NAME_MAX:
        raise Refused(f"责任单位名称不能超过 {UNIT_NAME_MAX} 个字符", "name")
    if kind is not None and not isinstance(kind, UnitKind):
        try:
            kind = UnitKind.from_text(kind) if str(kind).strip() else None
        except ValueError as e:
            raise Refused(str(e), "kind") from None
    contact = (contact or "").strip() or None
    if contact and len(contact) > UNIT_CONTACT_MAX:
        raise Refused(f"联系方式不能超过 {UNIT_CONTACT_MAX} 个字符", "contact")
    return name, kind, contact


def create_unit(name: str, *, kind=None, contact: str | None = None) -> Unit:
    """A responsible unit added on purpose (the admin's 责任单位 screen)."""
    name, kind, contact = _unit_fields(name, kind, contact)
    lock_name("unit", name)
    if find_unit(name) is not None:
        raise Refused(f"责任单位「{name}」已存在", "name", conflict=True)
    unit = Unit(name=name, kind=kind, contact=contact)
    add(unit)
    record("insert", unit)
    return unit


def update_unit(unit: Unit, *, name: str, kind=None, contact: str | None = None) -> bool:
    """Rename a unit or change its kind and contact. Projects and users point at the
    unit's id, so a renamed unit keeps its projects, users and history."""
    name, kind, contact = _unit_fields(name, kind, contact)
    if name != unit.name:
        lock_name("unit", name)
        other = find_unit(name)
        if other is not None and other.id != unit.id:
            raise Refused(f"责任单位「{name}」已存在", "name", conflict=True)
    before = snapshot(unit)
    unit.name, unit.kind, unit.contact = name, kind, contact
    if snapshot(unit) == before:
        return False
    db.session.flush()
    record("update", unit, before)
    return True


S = ProjectStatus

#: The steps of a project's status: 储备 → 计划 → 实施 → 完工, and 终止 from any but 完工.
STEPS = {
    S.PROPOSED: (S.PLANNED, S.STOPPED),
    S.PLANNED: (S.IMPLEMENTING, S.STOPPED),
    S.IMPLEMENTING: (S.COMPLETED, S.STOPPED),
    S.COMPLETED: (),
    S.STOPPED: (),
}
#: What each step is called on screens.
STEP_WORDS = {S.PLANNED: "审定列入计划", S.IMPLEMENTING: "开始实施", S.COMPLETED: "完工",
              S.STOPPED: "终止"}
STOP_REASON_MAX = Project.__table__.c.stop_reason.type.length


def may_change_status(user, project: Project, to: ProjectStatus) -> bool:
    """审定 (into the plan) and 终止 are the county's (admin, finance); 实施 and 完工 also
    the project's own unit's manager."""
    if user.role in (Role.ADMIN, Role.FINANCE):
        return True
    return (to in (S.IMPLEMENTING, S.COMPLETED) and user.role == Role.MANAGER
            and user.unit_id == project.unit_id)


def change_status(project: Project, to: ProjectStatus, *, user,
                  reason: str | None = None, now=None) -> None:
    """Move the project one step; 审定 keeps who approved and when; 终止 needs a reason."""
    if not may_change_status(user, project, to):
        raise Refused(f"无权将项目{STEP_WORDS.get(to, to.label)}", "status")
    if to not in STEPS[project.status]:
        raise Refused(f"项目「{project.code}」状态为{project.status.label},不能改为{to.label}",
                      "status", conflict=True)
    reason = (reason or "").strip() or None
    if to == S.PLANNED:
        from ..performance.service import has_targets  # performance imports this module

        if not has_targets(project):
            raise Refused(f"项目「{project.code}」尚未填写绩效目标:至少填写一项绩效目标"
                          "(产出、效益或满意度指标)后才能审定列入计划", "targets",
                          conflict=True)
    if to == S.STOPPED:
        if not reason:
            raise Refused("终止项目须填写终止原因", "stop_reason")
        if len(reason) > STOP_REASON_MAX:
            raise Refused(f"终止原因不能超过 {STOP_REASON_MAX} 个字符", "stop_reason")
    lock_project(project)
    before = snapshot(project)
    project.status = to
    if to == S.PLANNED:
        project.approved_by = user.username
        project.approved_at = now or dt.datetime.now(dt.UTC)
    if to == S.STOPPED:
        project.stop_reason = reason
    db.session.flush()
    record("update", project, before)
    if to == S.IMPLEMENTING:
        from ..milestones.service import keep_baseline  # milestones imports this module

        keep_baseline(project)


def initial_status(user, asked: ProjectStatus | None) -> ProjectStatus:
    """A project created by a manager is proposed (储备) whatever they asked; else the
    status asked for, 实施 when none (as on import)."""
    if user is not None and user.role == Role.MANAGER:
        return ProjectStatus.PROPOSED
    return asked or ProjectStatus.IMPLEMENTING


def may_create_for(user, unit: Unit) -> bool:
    """Admin and finance create projects of any unit, a manager only of their own."""
    if user.role in (Role.ADMIN, Role.FINANCE):
        return True
    return user.role == Role.MANAGER and user.unit_id == unit.id


#: The fields of the 项目 sheet ``update_project`` changes (the code is the project's
#: name everywhere and is not changed; the status changes through its own steps).
EDITABLE = ("name", "year", "category", "township", "village", "unit",
            "responsible_person", "phone", "scope", "total_investment", "priority")


def update_project(project: Project, changes: dict, *, user=None) -> bool:
    """Change the project's fields (by key of the 项目 sheet; ``unit`` is a Unit) and
    record the change; False when nothing changed. A manager keeps the project in their
    own unit."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        key = sorted(unknown)[0]
        raise Refused(f"字段「{key}」不能在此修改", key)
    if "total_investment" in changes and changes["total_investment"] < 0:
        raise Refused("总投资不能为负数", "total_investment")
    unit = changes.get("unit")
    if unit is not None and user is not None and not may_create_for(user, unit):
        raise Refused("只能选择本单位", "unit")
    lock_project(project)
    before = snapshot(project)
    for key, value in changes.items():
        if key == "unit":
            project.unit = value
            project.unit_id = value.id
        elif key == "priority":
            project.priority = bool(value)
        else:
            setattr(project, key, value)
    db.session.flush()
    if snapshot(project) == before:
        return False
    record("update", project, before)
    return True


def create_project(
    *,
    code: str,
    name: str,
    year: int,
    township: str,
    unit: str | Unit,
    total_investment: Decimal,
    category: str | None = None,
    village: str | None = None,
    responsible_person: str | None = None,
    phone: str | None = None,
    scope: str | None = None,
    priority: bool = False,
    status: ProjectStatus = ProjectStatus.IMPLEMENTING,
) -> Project:
    code = clean("project_code", code, required=True)
    name = clean("name", name, required=True)
    township = clean("township", township, required=True)
    category, village = clean("category", category), clean("village", village)
    responsible_person = clean("responsible_person", responsible_person)
    phone, scope = clean("phone", phone), clean("scope", scope)
    lock_name("project", code)
    if find_by(Project, code=normalize(code)) is not None:
        raise Refused(f"项目编号「{code}」已存在", "project_code", conflict=True)
    if total_investment < 0:
        raise Refused("总投资不能为负数", "total_investment")
    project = build(
        Project,
        code=code,
        name=name,
        year=year,
        category=category,
        township=township,
        village=village,
        unit=unit if isinstance(unit, Unit) else get_or_create_unit(unit),
        responsible_person=responsible_person,
        phone=phone,
        scope=scope,
        total_investment=total_investment,
        priority=priority,
        status=status,
    )
    add(project)
    record("insert", project)
    return project
