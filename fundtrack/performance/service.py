"""The rules for performance targets (绩效目标).

A project enters the plan (计划) only with at least one indicator (projects/service.py
asks ``has_targets``); the actual value, whether the target was met and, if not, why
are recorded once the project is under way or done.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..bulk import add
from ..enums import NO, YES, ProjectStatus, TargetCategory, parse_yes_no
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import clean_name
from ..history.service import record, snapshot
from ..projects.models import Project
from ..projects.service import lock_project
from .models import PerformanceTarget

_COLUMNS = PerformanceTarget.__table__.c
#: The longest value each text field keeps (the columns' lengths), with its label.
LIMITS = {
    "name": ("指标名称", _COLUMNS.name.type.length),
    "measure": ("计量单位", _COLUMNS.measure.type.length),
    "target": ("目标值", _COLUMNS.target.type.length),
    "actual": ("实际值", _COLUMNS.actual.type.length),
    "gap_reason": ("未达成原因", _COLUMNS.gap_reason.type.length),
}
#: When the actual values may be recorded: the project is under way or done.
EVALUATED = (ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)


def _text(key: str, value, *, required: bool = False) -> str | None:
    label, limit = LIMITS[key]
    return clean_name(label, limit, key, value, required=required)


def _category(value) -> TargetCategory:
    if isinstance(value, TargetCategory):
        return value
    if value is None or not str(value).strip():
        raise Refused("指标类别不能为空,应为:产出、效益、满意度", "category")
    try:
        return TargetCategory.from_text(value)
    except ValueError as e:
        raise Refused(f"指标类别{e}", "category") from None


def read_met(value) -> bool:
    """是否达成 as the forms and the API send it: 是/否 (or true/false)."""
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Refused(f"是否达成不能为空,应为“{YES}”或“{NO}”", "met")
    try:
        return parse_yes_no(value)
    except ValueError as e:
        raise Refused(f"是否达成{e}", "met") from None


def may_edit(user, project: Project) -> bool:
    """Who keeps a project's targets: whoever may change the project (admin, finance,
    the manager of its own unit)."""
    return project.editable_by(user)


def _checked_actual(project: Project, actual, met, gap_reason, *,
                    statuses=EVALUATED) -> tuple[str, bool, str | None]:
    """The rules of an actual value: when it may be recorded, and why a miss."""
    if project.status not in statuses:
        raise Refused(f"项目「{project.code}」状态为{project.status.label},"
                      "实施或完工后才能填写绩效目标的实际值", "status", conflict=True)
    actual = _text("actual", actual, required=True)
    met = read_met(met)
    gap_reason = _text("gap_reason", gap_reason)
    if not met and not gap_reason:
        raise Refused("未达成目标的须填写未达成原因", "gap_reason")
    return actual, met, (None if met else gap_reason)


def add_target(project: Project, *, category, name, target, measure=None,
               actual=None, met=None, gap_reason=None,
               from_workbook: bool = False) -> PerformanceTarget:
    """Add one indicator to the project (any status but 终止).

    The workbook's 绩效目标 sheet (workbook/importer.py) gives an indicator with its
    actual value at once (``actual``, ``met``, ``gap_reason``: the rules of
    ``record_actual``). A workbook states each project's end state, written before its
    indicators (``from_workbook``): a 终止 project keeps the indicators, and the actual
    values, it had before it stopped."""
    category = _category(category)
    name = _text("name", name, required=True)
    measure = _text("measure", measure)
    target = _text("target", target, required=True)
    if project.status == ProjectStatus.STOPPED and not from_workbook:
        raise Refused(f"项目「{project.code}」已终止,不能再添加绩效目标", "status",
                      conflict=True)
    evaluated = None
    if any(v is not None and str(v).strip() for v in (actual, met, gap_reason)):
        evaluated = _checked_actual(
            project, actual, met, gap_reason,
            statuses=(*EVALUATED, ProjectStatus.STOPPED) if from_workbook else EVALUATED)
    lock_project(project)
    item = PerformanceTarget(project=project, project_id=project.id, category=category,
                             name=name, measure=measure, target=target)
    if evaluated is not None:
        item.actual, item.met, item.gap_reason = evaluated
    add(item)
    record("insert", item)
    return item


def record_actual(item: PerformanceTarget, *, actual, met, gap_reason=None) -> bool:
    """The indicator's actual value, whether it was met and, when not, why (required).
    Only for a project in 实施 or 完工. False when nothing changed."""
    project = item.project
    actual, met, gap_reason = _checked_actual(project, actual, met, gap_reason)
    lock_project(project)
    before = snapshot(item)
    item.actual, item.met, item.gap_reason = actual, met, gap_reason
    if snapshot(item) == before:
        return False
    db.session.flush()
    record("update", item, before)
    return True


def get_target(project: Project, target_id: int) -> PerformanceTarget:
    item = db.session.get(PerformanceTarget, target_id)
    if item is None or item.project_id != project.id:
        raise NotFound(f"项目「{project.code}」没有编号为 {target_id} 的绩效目标", "target_id")
    return item


def has_targets(project: Project) -> bool:
    return db.session.scalar(
        select(func.count(PerformanceTarget.id))
        .where(PerformanceTarget.project_id == project.id)) > 0


def targets_of(project: Project) -> list[PerformanceTarget]:
    return list(db.session.scalars(
        select(PerformanceTarget).where(PerformanceTarget.project_id == project.id)
        .order_by(PerformanceTarget.id)))
