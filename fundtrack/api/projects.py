"""POST /api/v1/projects: a project, with the fields of the 项目 sheet.

Every value is read as the importer reads a cell of the 项目 sheet (same rules and
messages); the rules of the registry are projects/service.py's.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from .. import sheets
from ..access import allow
from ..assets import service as assets
from ..clock import today
from ..database import unit_of_work
from ..dates import parse_date
from ..enums import NO, YES, ProjectStatus, Role
from ..errors import Refused
from ..ledger import LedgerFilter, project_ledger
from ..money import MoneyError, parse_money
from ..performance import service as performance
from ..projects import service as projects
from ..web import record_id
from ..workbook.reading import read_record
from . import bp, encode, error, refused

#: Who may create projects: admin and finance for any unit, a manager for their own.
PROJECT_WRITERS = (Role.ADMIN, Role.FINANCE, Role.MANAGER)


def project_json(p) -> dict:
    return {
        "project_code": p.code,
        "name": p.name,
        "year": p.year,
        "category": p.category,
        "township": p.township,
        "village": p.village,
        "unit": p.unit.name,
        "responsible_person": p.responsible_person,
        "phone": p.phone,
        "scope": p.scope,
        "total_investment": encode.value("money", p.total_investment),
        "priority": YES if p.priority else NO,
        "status": p.status.label,
    }


@bp.post("/projects")
@allow(*PROJECT_WRITERS)
def post_project():
    data = request.get_json(silent=True)
    if current_user.role == Role.MANAGER:
        # permission before the body: a manager writes only for their own unit
        name = data.get("unit") if isinstance(data, dict) else None
        unit = projects.find_unit(name) if isinstance(name, str) else None
        if unit is None or not projects.may_create_for(current_user, unit):
            abort(403)
    try:
        if not isinstance(data, dict):
            raise Refused("请求内容应为 JSON 对象", None)
        unknown = set(data) - set(sheets.PROJECTS.keys)
        if unknown:
            key = sorted(unknown)[0]
            raise Refused(f"未知字段「{key}」", key)
        values, errors = read_record(sheets.PROJECTS, data)
        if errors:
            key = next(iter(errors))
            raise Refused(f"{sheets.PROJECTS.column(key).header}:{errors[key]}", key)
        with unit_of_work(current_user.username):
            unit = projects.get_unit(values["unit"])
            if not projects.may_create_for(current_user, unit):
                abort(403)
            project = projects.create_project(
                code=values["project_code"], name=values["name"], year=values["year"],
                township=values["township"], unit=unit,
                total_investment=values["total_investment"], category=values["category"],
                village=values["village"], responsible_person=values["responsible_person"],
                phone=values["phone"], scope=values["scope"],
                priority=bool(values["priority"]),
                status=projects.initial_status(current_user, values["status"]),
            )
            body = project_json(project)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201


# --- 绩效目标 ---------------------------------------------------------------------------

TARGET_IN = ("category", "name", "measure", "target")
ACTUAL_IN = ("actual", "met", "gap_reason")


def target_json(t) -> dict:
    return {
        "id": t.id,
        "project_code": t.project.code,
        "category": t.category.label,
        "name": t.name,
        "measure": t.measure,
        "target": t.target,
        "actual": t.actual,
        "met": None if t.met is None else (YES if t.met else NO),
        "gap_reason": t.gap_reason,
    }


def _writable_project(code: str):
    """The project of the URL (404) that the user may change (403), before any body."""
    try:
        project = projects.get_project(code)
    except Refused:
        return None, error(404, f"项目编号「{code}」不存在", "project_code")
    if not performance.may_edit(current_user, project):
        abort(403)
    return project, None


def _object_with(keys: tuple[str, ...]) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused("请求内容应为 JSON 对象", None)
    unknown = set(data) - set(keys)
    if unknown:
        key = sorted(unknown)[0]
        raise Refused(f"未知字段「{key}」", key)
    return data


@bp.post("/projects/<project_code>/targets")
@allow(*PROJECT_WRITERS)
def post_target(project_code: str):
    """Add one performance indicator (绩效目标) to a project."""
    project, missing = _writable_project(project_code)
    if missing:
        return missing
    try:
        data = _object_with(TARGET_IN)
        with unit_of_work(current_user.username):
            item = performance.add_target(
                projects.get_project(project_code), category=data.get("category"),
                name=data.get("name"), measure=data.get("measure"), target=data.get("target"))
            body = target_json(item)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201


@bp.put("/projects/<project_code>/targets/<target_id>")
@allow(*PROJECT_WRITERS)
def put_target(project_code: str, target_id: str):
    """Record an indicator's actual value, whether it was met and why not."""
    project, missing = _writable_project(project_code)
    if missing:
        return missing
    number = record_id(target_id)
    if number is None:
        return error(404, f"没有编号为 {target_id} 的绩效目标", "target_id")
    target_id = number
    try:
        performance.get_target(project, target_id)
    except Refused as e:
        return error(404, e.message, "target_id")
    try:
        data = _object_with(ACTUAL_IN)
        with unit_of_work(current_user.username):
            item = performance.get_target(projects.get_project(project_code), target_id)
            performance.record_actual(item, actual=data.get("actual"), met=data.get("met"),
                                      gap_reason=data.get("gap_reason"))
            body = target_json(item)
    except Refused as e:
        return refused(e)
    return jsonify(body), 200


# --- 项目状态 -------------------------------------------------------------------------

STATUS_IN = ("status", "reason")


def status_json(p) -> dict:
    return {**project_json(p), "stop_reason": p.stop_reason, "approved_by": p.approved_by,
            "approved_at": p.approved_at.isoformat() if p.approved_at else None}


@bp.post("/projects/<project_code>/status")
@allow(*PROJECT_WRITERS)
def post_status(project_code: str):
    """One step of a project's status (审定 → 计划, 实施, 完工, 终止 with a reason), with
    the rules of the project page (projects/service.change_status)."""
    try:
        project = projects.get_project(project_code)
    except Refused:
        return error(404, f"项目编号「{project_code}」不存在", "project_code")
    if not project.editable_by(current_user):
        abort(403)  # another unit's manager: whatever the body
    try:
        data = _object_with(STATUS_IN)
        word = data.get("status")
        if not isinstance(word, str) or not word.strip():
            raise Refused("缺少必填项「项目状态」", "status")
        try:
            to = ProjectStatus.from_text(word)
        except ValueError as e:
            raise Refused(f"项目状态{e}", "status") from None
        if not projects.may_change_status(current_user, project, to):
            return error(403, f"无权将项目{projects.STEP_WORDS.get(to, to.label)}", "status")
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise Refused("终止原因应为文本", "reason")
        with unit_of_work(current_user.username):
            project = projects.get_project(project_code)
            projects.change_status(project, to, user=current_user, reason=reason)
            body = status_json(project)
    except Refused as e:
        if e.field == "stop_reason":
            e.field = "reason"
        return refused(e)
    return jsonify(body), 200


# --- 资产移交 -------------------------------------------------------------------------

HANDOVER_IN = ("name", "asset_class", "value", "owner", "maintainer", "caretaker",
               "handed_over_on", "document_no")


def handover_json(a) -> dict:
    return {
        "id": a.id,
        "project_code": a.project.code,
        "name": a.name,
        "asset_class": a.asset_class.label,
        "value": encode.value("money", a.value),
        "owner": a.owner,
        "maintainer": a.maintainer,
        "caretaker": a.caretaker,
        "handed_over_on": a.handed_over_on.isoformat(),
        "document_no": a.document_no,
    }


@bp.post("/projects/<project_code>/assets")
@allow(*PROJECT_WRITERS)
def post_handover(project_code: str):
    """Register one asset of a settled project handed over (资产移交); ``value`` defaults
    to the project's spent as of today."""
    project, missing = _writable_project(project_code)
    if missing:
        return missing
    try:
        data = _object_with(HANDOVER_IN)
        day = data.get("handed_over_on")
        if day is None or (isinstance(day, str) and not day.strip()):
            raise Refused("移交日期不能为空", "handed_over_on")
        if not isinstance(day, str):
            raise Refused("移交日期应为 YYYY-MM-DD", "handed_over_on")
        handed_over_on = parse_date(day, "handed_over_on")
        if data.get("value") is None:
            rows = project_ledger(today(), LedgerFilter(project_code=project.code,
                                                        include_proposed=True)).rows
            value = rows[0]["spent"] if rows else None
        else:
            try:
                value = parse_money(data["value"])
            except MoneyError as e:
                raise Refused(f"资产价值{e}", "value") from None
        with unit_of_work(current_user.username):
            item = assets.record_handover(
                projects.get_project(project_code), name=data.get("name"),
                asset_class=data.get("asset_class"), value=value, owner=data.get("owner"),
                maintainer=data.get("maintainer"), caretaker=data.get("caretaker"),
                handed_over_on=handed_over_on, document_no=data.get("document_no"))
            body = handover_json(item)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201
