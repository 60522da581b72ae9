"""The demo county's 整改 findings, chosen from the plan: audits, inspections, a city
notice and a 巡察 finding about what the planned county really shows (money allocated
and left unspent, a milestone running late, 报账 waiting after 验收). Some are rectified
with evidence, two are open past their deadline on the demo's day (整改逾期), one is open
and not yet due. No randomness: the same plan gives the same findings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..enums import MilestoneKind as M
from ..rectification.models import FindingSource
from .plan import WAN, Plan, PlannedPayment, PlannedProject, days


@dataclass
class PlannedFinding:
    source: FindingSource
    description: str
    found_on: dt.date
    deadline: dt.date
    project_code: str | None = None
    unit_name: str | None = None
    #: Evidence notes (整改证据): (date written, text).
    evidence: list[tuple[dt.date, str]] = field(default_factory=list)
    #: (整改完成日期, closing note) when rectified by the demo's day.
    done: tuple[dt.date, str] | None = None


def _wan(amount: Decimal) -> str:
    return f"{(amount / WAN).quantize(Decimal('0.01'))} 万元"


def _cn(on: dt.date) -> str:
    return f"{on.month}月{on.day}日"


def _idle_money(plan: Plan) -> PlannedFinding | None:
    """审计: money allocated more than three months before, nothing paid when found;
    rectified by the first payment after it (the evidence names its voucher)."""
    found, deadline = dt.date(2026, 8, 20), dt.date(2026, 10, 20)
    payments: dict[str, list[PlannedPayment]] = {}
    for pay in sorted(plan.payments, key=lambda x: x.paid_on):
        payments.setdefault(pay.project.code, []).append(pay)
    for p in plan.projects:
        allocated = sum((a.amount for a in p.allocations
                         if a.allocated_on <= found - days(90)), Decimal(0))
        paid = [x for x in payments.get(p.code, []) if x.paid_on <= found]
        later = [x for x in payments.get(p.code, []) if found < x.paid_on <= deadline]
        if allocated <= 0 or paid or not later:
            continue
        first = later[0]
        return PlannedFinding(
            FindingSource.AUDIT,
            f"资金闲置:截至{_cn(found)},项目3个月前安排的资金 {_wan(allocated)}"
            f"仍未支出,支出率 0.00%",
            found, deadline, project_code=p.code,
            evidence=[(first.paid_on, f"已拨付{first.kind.label} {_wan(first.amount)}"
                       f"(凭证号 {first.voucher_no}),附拨付凭证")],
            done=(first.paid_on + days(2), "资金已按进度拨付,闲置问题已整改到位"),
        )
    return None


def _late_milestone(p: PlannedProject, before: dt.date):
    """The first milestone of a project planned before a date and still not done."""
    return next((m for m in p.milestones.values()
                 if m.done_on is None and m.planned_on < before), None)


def _behind_schedule(plan: Plan, found: dt.date, deadline: dt.date, source: FindingSource,
                     taken: set[str], evidence=()) -> PlannedFinding | None:
    """督查: a milestone at least ten days late when found, still not done on the demo's
    day (the rectification is still open)."""
    for p in plan.projects:
        m = _late_milestone(p, found - days(10))
        if m is None or p.code in taken or m.kind == M.SETTLED:
            continue
        taken.add(p.code)
        return PlannedFinding(
            source,
            f"项目进度滞后:「{m.kind.label}」节点计划{_cn(m.planned_on)}完成,"
            f"督查时仍未完成,已滞后 {(found - m.planned_on).days} 天",
            found, deadline, project_code=p.code, evidence=list(evidence),
        )
    return None


def _settlement_waiting(plan: Plan) -> PlannedFinding | None:
    """市级通报: accepted (验收) and past the planned 报账 date when found, not settled on
    the demo's day."""
    found, deadline = dt.date(2026, 10, 20), dt.date(2026, 11, 15)
    for p in plan.projects:
        settle = p.milestones.get(M.SETTLED)
        accepted = p.done(M.ACCEPTED)
        if settle is None or settle.done_on is not None or accepted is None \
                or settle.planned_on >= found - days(10):
            continue
        return PlannedFinding(
            FindingSource.CITY_NOTICE,
            f"报账不及时:项目已于{_cn(accepted)}验收,计划{_cn(settle.planned_on)}完成报账,"
            f"市级通报时仍未报账",
            found, deadline, project_code=p.code,
        )
    return None


def _settled_late(plan: Plan) -> PlannedFinding | None:
    """审计: 报账 not done fifty days after 完工; rectified when it was done."""
    for p in plan.projects:
        completed, settled = p.done(M.COMPLETED), p.done(M.SETTLED)
        if completed is None or settled is None or (settled - completed).days <= 55:
            continue
        found = completed + days(50)
        return PlannedFinding(
            FindingSource.AUDIT,
            f"报账不及时:项目{_cn(completed)}完工,审计时已超过50天仍未办理报账",
            found, max(found + days(30), settled), project_code=p.code,
            evidence=[(settled, "已完成竣工结算审核,报账资料齐全并已办理报账,附报账凭证")],
            done=(settled, "已完成报账,整改到位"),
        )
    return None


def _disclosure(plan: Plan) -> PlannedFinding:
    """巡察 (其他): about the county bureau with the most projects, rectified."""
    units = Counter(p.unit for p in plan.projects if p.unit.startswith("县"))
    unit = min(units, key=lambda u: (-units[u], u))
    found = dt.date(2026, 6, 10)
    return PlannedFinding(
        FindingSource.OTHER,
        "县委巡察组反馈:部分项目未按要求在项目村公示,公示内容缺少资金来源和监督举报电话",
        found, dt.date(2026, 7, 31), unit_name=unit,
        evidence=[(dt.date(2026, 7, 15),
                   "已对在建项目逐个补充张贴立项公示,载明资金来源、金额和监督举报电话,"
                   "公示照片已归档")],
        done=(dt.date(2026, 7, 20), "公示已补齐,建立项目公示台账,整改到位"),
    )


def plan_findings(plan: Plan) -> list[PlannedFinding]:
    """The demo's findings in the order they were found."""
    taken: set[str] = set()
    found = [
        _idle_money(plan),
        _behind_schedule(plan, dt.date(2026, 10, 15), dt.date(2026, 11, 10),
                         FindingSource.INSPECTION, taken),
        _behind_schedule(plan, dt.date(2026, 11, 5), dt.date(2026, 12, 20),
                         FindingSource.INSPECTION, taken,
                         [(dt.date(2026, 11, 12), "已约谈施工单位负责人,倒排工期,"
                                                   "每周报送一次进度")]),
        _settlement_waiting(plan),
        _settled_late(plan),
        _disclosure(plan),
    ]
    return sorted((f for f in found if f is not None), key=lambda f: f.found_on)
