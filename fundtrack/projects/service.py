"""The rules for projects and units."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ..bulk import add, load_by
from ..database import lock_name
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import clean, normalize
from ..history.service import record
from .models import Project, Unit

# --- lookups kept for one bulk writer ------------------------------------------------


@dataclass
class _Known:
    """Projects and units by code and name (None: known not to exist), the projects
    added and the rows locked in this transaction (see ``known_projects``)."""

    projects: dict[str, Project | None] = field(default_factory=dict)
    units: dict[str, Unit | None] = field(default_factory=dict)
    added: set[int] = field(default_factory=set)
    locked: set[int] = field(default_factory=set)


_known: ContextVar[_Known | None] = ContextVar("fundtrack_projects", default=None)

@contextmanager
def known_projects(codes: Iterable[str] = (), units: Iterable[str] = ()) -> Iterator[None]:
    """For one writer adding many projects in one transaction (the importer): the
    projects of ``codes`` and the units of ``units`` are looked up at once, and every
    project or unit looked up or added afterwards is kept, so that the existence checks
    and ``get_project`` read a dict instead of the database. The rules are the same.
    A row lock taken once (``lock_project``) is held to the end of the transaction and
    not taken again. Enter it at the start of the transaction, with the names locked
    (``database.bulk_names``).
    """
    state = _Known()
    token = _known.set(state)
    try:
        state.projects.update(load_by(Project, Project.code, codes))
        state.units.update(load_by(Unit, Unit.name, (u.strip() for u in units)))
        yield
    finally:
        _known.reset(token)


def is_new(project: Project) -> bool:
    """Whether ``project`` was added within ``known_projects`` (it has nothing else yet:
    no milestones, allocations or payments but those added since)."""
    state = _known.get()
    return state is not None and id(project) in state.added


def lock_project(project: Project) -> None:
    """Hold the project's row until the transaction ends (PostgreSQL; SQLite is locked
    whole): a settlement payment and a change of 验收 check each other (invariant 5), so
    they must not both pass on what the other has not yet written."""
    state = _known.get()
    if state is not None:
        if id(project) in state.added or project.id in state.locked:
            return  # a row added in this transaction is seen by no one else yet
        state.locked.add(project.id)
    with db.session.no_autoflush:  # the lock needs nothing written first
        db.session.execute(
            select(Project.id).where(Project.id == project.id).with_for_update()
        )


def _lookup(code: str) -> Project | None:
    code = normalize(code)
    state = _known.get()
    if state is not None and code in state.projects:
        return state.projects[code]
    project = db.session.scalar(select(Project).where(Project.code == code))
    if state is not None:
        state.projects[code] = project
    return project


def get_project(code: str, field: str = "project_code") -> Project:
    project = _lookup(code)
    if project is None:
        raise NotFound(f"项目编号「{code}」不存在", field)
    return project


def find_unit(name: str) -> Unit | None:
    name = normalize(name)
    state = _known.get()
    if state is not None and name in state.units:
        return state.units[name]
    unit = db.session.scalar(select(Unit).where(Unit.name == name))
    if state is not None:
        state.units[name] = unit
    return unit


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
        state = _known.get()
        if state is not None:
            state.units[name] = unit
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
    code = clean("project_code", code, required=True)
    name = clean("name", name, required=True)
    township = clean("township", township, required=True)
    category, village = clean("category", category), clean("village", village)
    responsible_person = clean("responsible_person", responsible_person)
    phone, scope = clean("phone", phone), clean("scope", scope)
    lock_name("project", code)
    if _lookup(code) is not None:
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
    add(project)
    record("insert", project)
    state = _known.get()
    if state is not None:
        state.projects[code] = project
        state.added.add(id(project))
    return project
