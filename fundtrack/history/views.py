"""变更记录: the change history, newest first, filtered by record type, record key, user
and date (in the county's time zone). Read-only: nothing here changes the history."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..access import AUDIT, allow
from ..accounts.models import User
from ..dates import parse_date
from ..errors import Refused
from ..paging import page_args, paginate
from . import read
from .models import Change
from .read import key_matches, zone

bp = Blueprint("history", __name__, url_prefix="/history")

#: Record types (Change.entity, the table) by their Chinese name, in menu order.
ENTITIES = {
    "fund_source": "资金来源",
    "fund_arrival": "资金到位",
    "recovery": "资金收回",
    "allocation": "资金安排",
    "disbursement": "支出",
    "project": "项目",
    "contract": "合同",
    "milestone": "项目节点",
    "unit": "责任单位",
    "performance_target": "绩效目标",
    "asset_handover": "资产移交",
    "app_user": "用户",
    "api_token": "令牌",
    "setting": "设置",
    "finding": "整改事项",
    "finding_note": "整改记录",
    "period_close": "月结",
    "attachment": "附件",
    "report_region": "下级地区",
    "report_package": "上报包",
    "treasury_explanation": "对账差异说明",
    "report_return": "上报退回",
}
ACTIONS = {"insert": "新增", "update": "修改", "reverse": "冲销", "mismatch": "校验不符"}
PER_PAGE = 50


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the county's time zone, in UTC (as the history stores it);
    for the first day there is, the first moment there is (its midnight in China time
    falls before it in UTC)."""
    try:
        return dt.datetime.combine(day, dt.time.min, zone()).astimezone(dt.UTC)
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


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
        stmt = stmt.where(key_matches(key))
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
    rows = read.rows(result.items, ENTITIES, ACTIONS)
    return render_template("history/index.html", result=result, rows=rows, **page)
