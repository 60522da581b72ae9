"""Enter the planned demo county and its 整改 findings through the services, so that
every rule is checked and every change is written to the history, exactly as a user's
entries would be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from random import Random

from sqlalchemy import exists, select

from ..contracts.service import register_contract
from ..enums import MilestoneKind, PaymentKind, TenderMethod
from ..errors import Refused
from ..extensions import db
from ..funds import service as funds
from ..funds.models import Allocation, Disbursement, FundArrival, FundSource
from ..milestones.models import Milestone
from ..milestones.service import set_milestone
from ..projects.models import Project
from ..projects.service import create_project
from ..rectification import service as rectification
from ..settings.service import tender_threshold
from . import data
from .findings import PlannedFinding, plan_findings
from .plan import WAN, Plan, build_plan

#: A database holding any of these is not empty (users and units alone do not count).
LEDGER_TABLES = (FundSource, FundArrival, Project, Allocation, Disbursement, Milestone)


def _refuse_unless_empty() -> None:
    for model in LEDGER_TABLES:
        if db.session.scalar(select(exists().where(model.id.is_not(None)))):
            raise Refused("数据库不是空的(已有资金来源或项目数据),演示数据只能载入空数据库。")


def _load_sources() -> dict[str, FundSource]:
    sources = {}
    for spec in data.SOURCES:
        source = funds.create_source(
            code=spec.code, name=spec.name, level=spec.level, category=spec.category,
            year=data.DEMO_YEAR, amount_issued=spec.amount_wan * WAN,
            document_no=spec.document_no, issued_on=spec.issued_on,
        )
        for arrived_on, wan, note in spec.arrivals:
            funds.record_arrival(source, arrived_on=arrived_on, amount=wan * WAN, note=note)
        sources[spec.code] = source
    return sources


def _load_projects(plan: Plan, sources: dict[str, FundSource]) -> dict[str, Project]:
    projects = {}
    for p in plan.projects:
        project = create_project(
            code=p.code, name=p.name, year=data.DEMO_YEAR, township=p.township,
            unit=p.unit, total_investment=p.total_investment, category=p.ptype.category,
            village=p.village, responsible_person=p.responsible_person, phone=p.phone,
            scope=p.scope, priority=p.priority,
        )
        for m in p.milestones.values():  # in the fixed order
            set_milestone(project, m.kind, planned_on=m.planned_on, done_on=m.done_on,
                          note=m.note)
        projects[p.code] = project
    for p in plan.projects:
        for a in p.allocations:
            if a.amount > 0:
                funds.allocate(projects[p.code], sources[a.source_code], amount=a.amount,
                               document_no=a.document_no, allocated_on=a.allocated_on)
    for p, a in plan.reductions:
        funds.allocate(projects[p.code], sources[a.source_code], amount=a.amount,
                       document_no=a.document_no, allocated_on=a.allocated_on)
    return projects


def _load_payments(plan: Plan, projects, sources) -> dict[PaymentKind, int]:
    by_voucher: dict[str, Disbursement] = {}
    counts = dict.fromkeys(PaymentKind, 0)
    for p in plan.payments:
        payment = funds.post_disbursement(
            voucher_no=p.voucher_no, project=projects[p.project.code],
            source=sources[p.source_code], paid_on=p.paid_on, amount=p.amount, kind=p.kind,
            payee=p.payee, memo=p.memo,
            reverses=by_voucher[p.reverses] if p.reverses else None,
        )
        by_voucher[p.voucher_no] = payment
        counts[p.kind] += 1
    return counts


#: The demo's works contracts hold back 3%, due 60 days after 验收 (when the demo's
#: plan pays its 质保金 at the earliest).
RETENTION_RATE = Decimal("0.03")
RETENTION_DAYS = 60


def _load_contracts(plan: Plan, projects) -> int:
    """One works contract (施工合同) per project that has started, for its investment,
    signed when it was tendered (or when it started), with its payee; tendered openly
    above the tendering
    threshold and by 询价 below it, but for one 直接委托 above it, which an audit finds
    (the red warning 应招标未招标)."""
    threshold = tender_threshold()
    direct_shown = False
    n = 0
    for p in plan.projects:
        started = p.milestones.get(MilestoneKind.STARTED)
        if started is None or started.done_on is None:
            continue
        tendered = p.milestones.get(MilestoneKind.TENDERED)
        accepted = p.milestones.get(MilestoneKind.ACCEPTED)
        above = p.total_investment > threshold
        method = TenderMethod.OPEN if above else TenderMethod.INQUIRY
        if above and not direct_shown:
            method, direct_shown = TenderMethod.DIRECT, True
        done = accepted.done_on if accepted is not None else None
        register_contract(
            projects[p.code], contract_no=f"HT-{p.code}", contractor=p.payee,
            amount=p.total_investment,
            signed_on=(tendered.done_on if tendered is not None and tendered.done_on
                       else started.done_on),
            tender_method=method, retention_rate=RETENTION_RATE,
            retention_due_on=done + dt.timedelta(days=RETENTION_DAYS) if done else None)
        n += 1
    return n


def _load_findings(findings: list[PlannedFinding]) -> None:
    for f in findings:
        finding = rectification.record_finding(
            source=f.source, description=f.description, found_on=f.found_on,
            deadline=f.deadline, project_code=f.project_code, unit_name=f.unit_name)
        for on, text in f.evidence:
            rectification.add_evidence(finding, text, on)
        if f.done is not None:
            done_on, note = f.done
            rectification.close(finding, done_on=done_on, note=note)


def load_demo() -> str:
    """Load the demo county into an empty database (inside the caller's unit of work);
    return a summary in Chinese."""
    _refuse_unless_empty()
    plan = build_plan(Random(data.SEED))
    sources = _load_sources()
    projects = _load_projects(plan, sources)
    counts = _load_payments(plan, projects, sources)
    contracts = _load_contracts(plan, projects)
    findings = plan_findings(plan)
    _load_findings(findings)

    milestones = [m for p in plan.projects for m in p.milestones.values()]
    overdue = sum(1 for m in milestones if m.done_on is None and m.planned_on < data.DEMO_TODAY)
    arrivals = sum(len(s.arrivals) for s in data.SOURCES)
    allocations = sum(len(p.allocations) for p in plan.projects)
    spent = sum((p.amount for p in plan.payments), Decimal(0))
    issued = sum(s.amount_wan for s in data.SOURCES)
    kinds = "、".join(f"{k.label} {n}" for k, n in counts.items() if n)
    rectified = sum(1 for f in findings if f.done is not None)
    late = sum(1 for f in findings if f.done is None and f.deadline < data.DEMO_TODAY)
    return (
        f"已载入示范县演示数据({data.DEMO_YEAR}年度,数据截至 {data.DEMO_TODAY}):"
        f"资金来源 {len(sources)} 个(下达 {issued} 万元,到位 {arrivals} 笔),"
        f"项目 {len(projects)} 个({len(data.TOWNSHIPS)} 个乡镇),"
        f"资金安排 {allocations} 条(含调减 {len(plan.reductions)} 条),"
        f"节点 {len(milestones)} 个(截至 {data.DEMO_TODAY} 逾期 {overdue} 个),"
        f"支出 {len(plan.payments)} 笔({kinds}),合计 {spent / WAN:.2f} 万元;"
        f"合同 {contracts} 份;"
        f"整改事项 {len(findings)} 个(已整改 {rectified} 个,"
        f"截至 {data.DEMO_TODAY} 逾期 {late} 个)。"
    )
