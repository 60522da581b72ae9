"""POST /api/v1/disbursements, POST /api/v1/recoveries and
PUT /api/v1/projects/<code>/milestones/<milestone>.

Permission is checked before the body is read: a user who may not write gets 403
whatever they sent. The rules themselves are the services' (funds, milestones).
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from .. import sheets
from ..access import FINANCE, MILESTONES, allow
from ..database import unit_of_work
from ..dates import parse_date
from ..enums import MilestoneKind, PaymentKind, RecoveryDestination
from ..errors import Refused
from ..funds import service as funds
from ..milestones.service import set_milestone
from ..money import MoneyError, parse_money
from ..projects.service import get_project
from . import bp, encode, error, refused


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused("请求内容应为 JSON 对象", None)
    return data


def _text(data: dict, key: str, *, required: bool = False,
          sheet: sheets.Sheet = sheets.DISBURSEMENTS) -> str | None:
    v = data.get(key)
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            raise Refused(f"缺少必填项「{sheet.column(key).header}」", key)
        return None
    if not isinstance(v, str | int) or isinstance(v, bool):
        raise Refused("应为文本", key)
    return str(v).strip()


def payment_json(d) -> dict:
    return {
        "voucher_no": d.voucher_no,
        "project_code": d.project.code,
        "source_code": d.source.code,
        "paid_on": d.paid_on.isoformat(),
        "amount": encode.value("money", d.amount),
        "kind": d.kind.label,
        "payee": d.payee,
        "reverses": d.reverses.voucher_no if d.reverses else None,
        "memo": d.memo,
        "payee_account": d.payee_account,
        "budget_subject": d.budget_subject,
    }


@bp.post("/disbursements")
@allow(*FINANCE)
def post_disbursement():
    try:
        data = _body()
        unknown = set(data) - set(sheets.DISBURSEMENTS.keys)
        if unknown:
            key = sorted(unknown)[0]
            raise Refused(f"未知字段「{key}」", key)
        voucher = _text(data, "voucher_no", required=True)
        paid_on = parse_date(_text(data, "paid_on", required=True), "paid_on")
        try:
            amount = parse_money(data.get("amount"))
        except MoneyError as e:
            raise Refused(str(e) if data.get("amount") is not None else "缺少必填项「支付金额」",
                          "amount") from None
        try:
            kind = PaymentKind.from_text(_text(data, "kind", required=True))
        except ValueError as e:
            raise Refused(str(e), "kind") from None
        reverses_code = _text(data, "reverses")
        if kind == PaymentKind.REVERSAL and not reverses_code:
            raise Refused("冲销须填写被冲销的凭证号", "reverses")
        with unit_of_work(current_user.username):
            project = get_project(_text(data, "project_code", required=True))
            source = funds.get_source(_text(data, "source_code", required=True))
            payment = funds.post_disbursement(
                voucher_no=voucher,
                project=project,
                source=source,
                paid_on=paid_on,
                amount=amount,
                kind=kind,
                payee=_text(data, "payee"),
                memo=_text(data, "memo"),
                payee_account=_text(data, "payee_account"),
                budget_subject=_text(data, "budget_subject"),
                reverses=funds.get_disbursement(reverses_code, "reverses")
                if reverses_code else None,
            )
            body = payment_json(payment)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201


def recovery_json(r) -> dict:
    return {
        "source_code": r.source.code,
        "recovered_on": r.recovered_on.isoformat(),
        "amount": encode.value("money", r.amount),
        "destination": r.destination.label,
        "document_no": r.document_no,
        "reason": r.reason,
    }


@bp.post("/recoveries")
@allow(*FINANCE)
def post_recovery():
    sheet = sheets.RECOVERIES
    try:
        data = _body()
        unknown = set(data) - set(sheet.keys)
        if unknown:
            key = sorted(unknown)[0]
            raise Refused(f"未知字段「{key}」", key)
        recovered_on = parse_date(_text(data, "recovered_on", required=True, sheet=sheet),
                                  "recovered_on")
        try:
            amount = parse_money(data.get("amount"))
        except MoneyError as e:
            raise Refused(str(e) if data.get("amount") is not None else "缺少必填项「收回金额」",
                          "amount") from None
        try:
            destination = RecoveryDestination.from_text(
                _text(data, "destination", required=True, sheet=sheet))
        except ValueError as e:
            raise Refused(str(e), "destination") from None
        with unit_of_work(current_user.username):
            source = funds.get_source(_text(data, "source_code", required=True, sheet=sheet))
            recovery = funds.record_recovery(
                source, recovered_on=recovered_on, amount=amount, destination=destination,
                document_no=_text(data, "document_no", sheet=sheet),
                reason=_text(data, "reason", sheet=sheet),
            )
            body = recovery_json(recovery)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201



#: ``reason``: why a planned date of a project in 实施 moves (计划调整), else unused.
_MILESTONE_KEYS = ("planned_on", "done_on", "note", "reason")


def milestone_json(m) -> dict:
    return {
        "project_code": m.project.code,
        "milestone": m.kind.label,
        "planned_on": m.planned_on.isoformat() if m.planned_on else None,
        "done_on": m.done_on.isoformat() if m.done_on else None,
        "note": m.note,
    }


@bp.put("/projects/<project_code>/milestones/<milestone>")
@allow(*MILESTONES)
def put_milestone(project_code: str, milestone: str):
    try:
        project = get_project(project_code)
        kind = MilestoneKind.from_text(milestone)
    except (Refused, ValueError):
        return error(404, "项目或节点不存在", "milestone")
    if not project.milestones_editable_by(current_user):
        abort(403)
    try:
        data = _body()
        unknown = set(data) - set(_MILESTONE_KEYS)
        if unknown:
            key = sorted(unknown)[0]
            raise Refused(f"未知字段「{key}」", key)
        changes = {}
        for key in ("planned_on", "done_on"):
            if key in data:
                changes[key] = None if data[key] is None else parse_date(data[key], key)
        if "note" in data:
            if data["note"] is not None and not isinstance(data["note"], str):
                raise Refused("应为文本", "note")
            changes["note"] = data["note"]
        if data.get("reason") is not None:
            if not isinstance(data["reason"], str):
                raise Refused("应为文本", "reason")
            changes["reason"] = data["reason"]
        with unit_of_work(current_user.username):
            m = set_milestone(project, kind, **changes)
            body = milestone_json(m)
    except Refused as e:
        return refused(e)
    return jsonify(body), 200
