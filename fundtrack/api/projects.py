"""POST /api/v1/projects: a project, with the fields of the 项目 sheet.

Every value is read as the importer reads a cell of the 项目 sheet (same rules and
messages); the rules of the registry are projects/service.py's.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from .. import sheets
from ..access import allow
from ..database import unit_of_work
from ..enums import NO, YES, Role
from ..errors import Refused
from ..projects import service as projects
from ..workbook.reading import read_record
from . import bp, encode, refused

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
