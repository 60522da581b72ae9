"""变更记录: the change history, newest first, filtered by record type, record key, user
and date (in the county's time zone). Read-only: nothing here changes the history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from ..access import AUDIT, allow
from ..accounts.models import User
from ..accounts.service import names_of
from ..errors import Refused
from ..ledger.params import parse_date
from ..paging import page_args, paginate
from .models import Change

bp = Blueprint("history", __name__, url_prefix="/history")

#: Record types (Change.entity, the table) by their Chinese name, in menu order.
ENTITIES = {
    "fund_source": "资金来源",
    "fund_arrival": "资金到位",
    "allocation": "资金安排",
    "disbursement": "支出",
    "project": "项目",
    "milestone": "项目节点",
    "unit": "责任单位",
    "app_user": "用户",
    "api_token": "令牌",
    "setting": "设置",
    "finding": "整改事项",
    "finding_note": "整改记录",
    "period_close": "月结",
}
ACTIONS = {"insert": "新增", "update": "修改", "reverse": "冲销"}
#: Column keys of the recorded snapshots, by their Chinese name.
FIELDS = {
    "code": "编号", "name": "名称", "level": "资金级次", "category": "类别", "year": "年度",
    "document_no": "文号", "amount_issued": "下达金额", "issued_on": "下达日期",
    "source_id": "资金来源ID", "arrived_on": "到位日期", "amount": "金额", "note": "备注",
    "project_id": "项目ID", "allocated_on": "安排日期", "voucher_no": "凭证号",
    "paid_on": "支付日期", "kind": "类型", "payee": "收款单位", "reverses_id": "冲销的支出ID",
    "memo": "摘要", "township": "乡镇", "village": "村", "unit_id": "责任单位ID",
    "responsible_person": "责任人", "phone": "联系电话", "scope": "建设内容",
    "total_investment": "总投资", "priority": "重点村", "planned_on": "计划日期",
    "done_on": "实际日期", "username": "用户名", "role": "角色", "active": "启用",
    "user_id": "用户ID", "created_at": "签发时间", "expires_at": "到期时间",
    "revoked_at": "吊销时间", "password_changed_at": "密码修改时间", "key": "名称", "value": "值",
    "source": "问题来源", "description": "问题描述", "found_on": "发现日期",
    "deadline": "整改期限", "status": "状态", "created_by": "登记人",
    "finding_id": "整改事项ID", "written_on": "日期", "at": "时间", "author": "填写人",
    "text": "内容",
    "month": "月份", "ends_on": "结账截至", "closed_at": "月结时间", "closed_by": "办理人",
    "snapshot": "资金台账", "digest": "摘要值",
}
PER_PAGE = 50


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the county's time zone, in UTC (as the history stores it);
    for the first day there is, the first moment there is (its midnight in China time
    falls before it in UTC)."""
    try:
        return dt.datetime.combine(day, dt.time.min, _zone()).astimezone(dt.UTC)
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def _local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:  # SQLite keeps the UTC time without its zone
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(_zone())


def _shown(value) -> str:
    if value is None or value == "":
        return "(空)"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _changes(change: Change) -> list[tuple[str, str | None, str]]:
    """(field, before, after) for the keys that differ; before is None for a new record."""
    before, after = change.before or {}, change.after or {}
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key == "id":
            continue
        old, new = before.get(key), after.get(key)
        if change.before is None:
            if new not in (None, ""):
                out.append((FIELDS.get(key, key), None, _shown(new)))
        elif old != new:
            out.append((FIELDS.get(key, key), _shown(old), _shown(new)))
    return out


def _query(args):
    """The filtered statement; Refused for a value that cannot be read."""
    stmt = select(Change)
    entity = args.get("entity") or ""
    if entity:
        if entity not in ENTITIES:
            raise Refused(f"没有「{entity}」这种记录类型", "entity")
        stmt = stmt.where(Change.entity == entity)
    key = (args.get("key") or "").strip()
    if key:
        stmt = stmt.where(Change.entity_key.contains(key, autoescape=True))
    actor = (args.get("actor") or "").strip()
    if actor:
        named = select(User.username).where(User.name.contains(actor, autoescape=True))
        stmt = stmt.where(Change.actor.contains(actor, autoescape=True)
                          | Change.actor.in_(named))
    start = parse_date(args["date_from"], "date_from") if args.get("date_from") else None
    end = parse_date(args["date_to"], "date_to") if args.get("date_to") else None
    if start and end and start > end:
        raise Refused("起始日期不能晚于截止日期", "date_from")
    if start:
        stmt = stmt.where(Change.at >= _start_of(start))
    if end and end < dt.date.max:  # up to the end of that day (the last day: no bound)
        stmt = stmt.where(Change.at < _start_of(end + dt.timedelta(days=1)))
    return stmt.order_by(Change.at.desc(), Change.id.desc())


@bp.get("/")
@allow(*AUDIT)
def index():
    args = request.args
    page = {"args": args, "entities": ENTITIES}
    try:
        stmt = _query(args)
    except Refused as e:
        return render_template("history/index.html", error=e.message, **page), 400
    number, per_page = page_args(args, PER_PAGE)
    result = paginate(stmt, number, per_page)
    names = names_of(c.actor for c in result.items)
    rows = [
        {
            "at": _local(c.at),
            "actor": f"{names[c.actor]}({c.actor})" if c.actor in names else c.actor,
            "action": ACTIONS.get(c.action, c.action),
            "entity": ENTITIES.get(c.entity, c.entity),
            "key": c.entity_key or f"#{c.entity_id}",
            "changes": _changes(c),
        }
        for c in result.items
    ]
    return render_template("history/index.html", result=result, rows=rows, **page)
