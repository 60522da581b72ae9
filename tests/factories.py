"""Small builders for test data, through the service layer (so every rule applies)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fundtrack.enums import FundCategory, Level, MilestoneKind, PaymentKind, RecoveryDestination
from fundtrack.funds import service as funds
from fundtrack.milestones.service import set_milestone
from fundtrack.projects.service import create_project

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def source(code="ZY01", amount_issued="1000000.00", *, category=FundCategory.POVERTY,
           level=Level.CENTRAL, year=2024, name=None, issued_on=None):
    return funds.create_source(
        code=code, name=name or f"中央财政衔接推进乡村振兴补助资金{code}", level=level,
        category=category, year=year, amount_issued=D(amount_issued),
        issued_on=day(issued_on) if issued_on else None,
    )


def project(code="XM001", total_investment="500000.00", *, township="城关镇",
            unit="县交通运输局", year=2024, priority=False, category="基础设施", village="东村"):
    return create_project(
        code=code, name=f"{village}通村道路硬化工程{code}", year=year, township=township,
        unit=unit, total_investment=D(total_investment), category=category, village=village,
        responsible_person="张三", phone="03961234567", priority=priority,
    )


def arrive(src, amount, on):
    return funds.record_arrival(src, arrived_on=day(on), amount=D(amount))


def recover(src, amount, on, destination=RecoveryDestination.UPWARD, document_no=None,
            reason="结存两年以上"):
    return funds.record_recovery(src, recovered_on=day(on), amount=D(amount),
                                 destination=destination, document_no=document_no,
                                 reason=reason)


def allocate(prj, src, amount, on=None):
    return funds.allocate(prj, src, amount=D(amount), allocated_on=day(on) if on else None)


def pay(voucher, prj, src, amount, on, kind=PaymentKind.PROGRESS, reverses=None, memo=None):
    return funds.post_disbursement(
        voucher_no=voucher, project=prj, source=src, paid_on=day(on), amount=D(amount),
        kind=kind, payee="某某建筑公司", memo=memo, reverses=reverses,
    )


def reverse(voucher, original, amount, on, memo="凭证录入错误,红字冲回"):
    return pay(voucher, original.project, original.source, amount, on,
               kind=PaymentKind.REVERSAL, reverses=original, memo=memo)


def milestone(prj, kind: MilestoneKind, planned=None, done=None):
    return set_milestone(
        prj, kind,
        planned_on=day(planned) if planned else None,
        done_on=day(done) if done else None,
    )


def contract(no, prj, amount, signed=None, *, method=None, rate=None, due=None,
             contractor="某某建筑公司"):
    from fundtrack.contracts.service import register_contract

    return register_contract(
        prj, contract_no=no, contractor=contractor, amount=D(amount),
        signed_on=day(signed) if signed else None, tender_method=method,
        retention_rate=D(rate) if rate is not None else None,
        retention_due_on=day(due) if due else None,
    )
