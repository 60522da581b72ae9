"""Reading the change history for the screen: which changes a search finds (a project's
code finds its payments and findings too), and each change as users name things:
codes and names instead of internal ids, money as the screens show it, times in the
county's time zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select

from ..accounts.models import User
from ..accounts.service import names_of
from ..contracts.models import Contract
from ..extensions import db
from ..formatting import money
from ..funds.models import Disbursement, FundSource
from ..money import format_rate
from ..projects.models import Project, Unit
from ..rectification.models import Finding, FindingNote
from .models import Change

#: Column keys of the recorded snapshots, by their Chinese name.
FIELDS = {
    "code": "编号", "name": "名称", "level": "资金级次", "category": "类别", "year": "年度",
    "document_no": "文号", "amount_issued": "下达金额", "issued_on": "下达日期",
    "source_id": "资金来源", "arrived_on": "到位日期", "amount": "金额", "note": "备注",
    "project_id": "项目", "allocated_on": "安排日期", "voucher_no": "凭证号",
    "paid_on": "支付日期", "kind": "类型", "payee": "收款单位",
    "payee_account": "收款账号", "budget_subject": "预算科目", "reverses_id": "冲销的凭证",
    "memo": "摘要", "township": "乡镇", "village": "村", "unit_id": "责任单位",
    "responsible_person": "责任人", "phone": "联系电话", "scope": "建设内容",
    "total_investment": "总投资", "priority": "重点村", "planned_on": "计划日期",
    "done_on": "实际日期", "username": "用户名", "role": "角色", "active": "启用",
    "user_id": "用户", "created_at": "签发时间", "expires_at": "到期时间",
    "revoked_at": "吊销时间", "password_changed_at": "密码修改时间", "key": "名称", "value": "值",
    "source": "问题来源", "description": "问题描述", "found_on": "发现日期",
    "deadline": "整改期限", "status": "状态", "created_by": "登记人",
    "finding_id": "整改事项", "written_on": "日期", "at": "时间", "author": "填写人",
    "text": "内容", "recovered_on": "收回日期", "destination": "去向", "reason": "原因",
    "month": "月份", "ends_on": "结账截至", "closed_at": "月结时间", "closed_by": "办理人",
    "snapshot": "资金台账", "digest": "摘要值",
    "region": "地区", "public_key": "公钥", "registered_at": "登记时间",
    "registered_by": "登记人", "received_at": "接收时间", "received_by": "接收人",
    "body": "上报包内容", "arrived": "已到位", "spent": "已支出", "recovered": "已收回",
    "projects": "项目数", "started": "已开工", "completed": "已完工",
    "overdue_count": "逾期节点",
    "ledger_voucher_no": "台账凭证号", "fields": "差异项",
    "contract_no": "合同编号", "contractor": "承建单位", "signed_on": "签订日期",
    "tender_method": "招标方式", "retention_rate": "质保金比例",
    "retention_due_on": "质保期满日期",
    "measure": "计量单位", "target": "目标值", "actual": "实际值", "met": "是否达成",
    "gap_reason": "未达成原因", "asset_class": "资产类别", "owner": "产权归属",
    "maintainer": "管护主体", "caretaker": "管护责任人", "handed_over_on": "移交日期",
    "baseline_on": "基准计划日期", "stop_reason": "终止原因", "approved_by": "审定人",
    "approved_at": "审定时间",
}
#: Where a key means something particular to one record type: (table, key) → name.
ENTITY_FIELDS = {
    ("milestone", "kind"): "节点", ("disbursement", "kind"): "支付类型",
    ("fund_source", "category"): "资金类别", ("project", "category"): "项目类别",
    ("disbursement", "amount"): "支付金额", ("fund_arrival", "amount"): "到位金额",
    ("allocation", "amount"): "安排金额", ("report_package", "level"): "级别",
    ("treasury_explanation", "voucher_no"): "国库支付凭证号",
    ("treasury_explanation", "note"): "说明",
    ("recovery", "amount"): "收回金额", ("contract", "amount"): "合同金额",
    ("performance_target", "name"): "指标名称", ("performance_target", "category"): "指标类别",
    ("asset_handover", "name"): "资产名称", ("asset_handover", "value"): "资产价值",
}
#: Snapshot keys holding money (元), shown with thousands separators and two decimals.
MONEY = {"amount", "amount_issued", "total_investment", "arrived", "spent", "recovered"}
#: Snapshot keys holding a rate (0.0300), shown as a percentage (3.00%).
RATES = {"retention_rate"}
#: Snapshot keys holding a moment (stored in UTC), shown in the county's time.
MOMENTS = {"created_at", "closed_at", "at", "registered_at", "received_at", "approved_at"}
#: Snapshot keys holding another record's id: the statement naming those records.
REFERENCES = {
    "project_id": lambda ids: select(Project.id, Project.code + " " + Project.name)
    .where(Project.id.in_(ids)),
    "source_id": lambda ids: select(FundSource.id, FundSource.code + " " + FundSource.name)
    .where(FundSource.id.in_(ids)),
    "unit_id": lambda ids: select(Unit.id, Unit.name).where(Unit.id.in_(ids)),
    "reverses_id": lambda ids: select(Disbursement.id, Disbursement.voucher_no)
    .where(Disbursement.id.in_(ids)),
    "user_id": lambda ids: select(User.id, User.username).where(User.id.in_(ids)),
}


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])


def local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:  # SQLite keeps the UTC time without its zone
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(zone())


def key_matches(key: str):
    """The condition finding the changes a search for ``key`` means: the records whose
    own key contains it, and for a project's code also what belongs to the project
    (its payments, contracts, findings and their notes; allocations and milestones carry the code
    in their key)."""
    projects = select(Project.id).where(Project.code.contains(key, autoescape=True))
    payments = select(Disbursement.id).where(Disbursement.project_id.in_(projects))
    findings = select(Finding.id).where(Finding.project_id.in_(projects))
    notes = select(FindingNote.id).where(FindingNote.finding_id.in_(findings))
    contracts = select(Contract.id).where(Contract.project_id.in_(projects))
    return or_(
        Change.entity_key.contains(key, autoescape=True),
        and_(Change.entity == "disbursement", Change.entity_id.in_(payments)),
        and_(Change.entity == "finding", Change.entity_id.in_(findings)),
        and_(Change.entity == "finding_note", Change.entity_id.in_(notes)),
        and_(Change.entity == "contract", Change.entity_id.in_(contracts)),
    )


def _names(changes: list[Change]) -> dict[str, dict[int, str]]:
    """For each reference key, the names of the records the page's changes refer to:
    one statement per kind of record referred to."""
    wanted: dict[str, set[int]] = {}
    for c in changes:
        for snap in (c.before or {}, c.after or {}):
            for key in REFERENCES.keys() & snap.keys():
                if isinstance(snap[key], int):
                    wanted.setdefault(key, set()).add(snap[key])
    return {key: dict(db.session.execute(REFERENCES[key](ids)).all())
            for key, ids in wanted.items()}


def _shown(key: str, value, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "(空)"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if key == "finding_id":
        return f"整改#{value}"  # how a finding is named everywhere (its history key)
    if key in REFERENCES:
        return names.get(key, {}).get(value) or f"#{value}"
    if key in MONEY:
        try:
            return money(value)
        except ArithmeticError:
            return str(value)
    if key in RATES:
        try:
            return format_rate(Decimal(value))
        except ArithmeticError:
            return str(value)
    if key in MOMENTS and isinstance(value, str):
        try:
            return local(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return str(value)


def _changes(change: Change, names) -> list[tuple[str, str | None, str]]:
    """(field, before, after) for the keys that differ; before is None for a new record."""
    before, after = change.before or {}, change.after or {}
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key == "id":
            continue
        old, new = before.get(key), after.get(key)
        label = ENTITY_FIELDS.get((change.entity, key)) or FIELDS.get(key, key)
        if change.before is None:
            if new not in (None, ""):
                out.append((label, None, _shown(key, new, names)))
        elif old != new:
            out.append((label, _shown(key, old, names), _shown(key, new, names)))
    return out


def rows(changes: list[Change], entities: dict[str, str], actions: dict[str, str]):
    """The page's rows: time in the county's zone, who, what, which record, what changed."""
    names = _names(changes)
    people = names_of(c.actor for c in changes)
    return [
        {
            "at": local(c.at),
            "actor": f"{people[c.actor]}({c.actor})" if c.actor in people else c.actor,
            "action": actions.get(c.action, c.action),
            "entity": entities.get(c.entity, c.entity),
            "key": c.entity_key or f"#{c.entity_id}",
            "changes": _changes(c, names),
        }
        for c in changes
    ]
