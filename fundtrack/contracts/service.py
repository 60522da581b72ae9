"""The rules of contracts (合同), once: the web form, the API and the importer call these.

A contract is registered and may be corrected (every change in the history); it is
never deleted. What the field questions about a contract (payments beyond it, a 质保金
paid early, 直接委托 above the tendering threshold) is a warning (warnings/contracts.py),
never a refusal: only a value that cannot be read, a missing required value or a
duplicate 合同编号 refuses one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ..bulk import add
from ..database import lock_name
from ..enums import TenderMethod
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import clean, normalize
from ..history.service import record, snapshot
from ..importsession import find_by
from ..projects.models import Project
from ..settings.percent import parse_percent
from .models import Contract

#: The fields of the 合同 sheet ``update_contract`` changes (the 合同编号 names the
#: contract everywhere and is not changed).
EDITABLE = ("project", "contractor", "amount", "signed_on", "tender_method",
            "retention_rate", "retention_due_on")


def find_contract(contract_no: str) -> Contract | None:
    """The contract with that number, or None (within an import session, looked up once
    and found at once when the import added it)."""
    return find_by(Contract, contract_no=normalize(contract_no))


def get_contract(contract_no: str, field: str = "contract_no") -> Contract:
    contract = find_contract(contract_no)
    if contract is None:
        raise NotFound(f"合同编号「{contract_no}」不存在", field)
    return contract


def _checked(values: dict) -> dict:
    """The values as stored, each refused on its own field when it may not be."""
    out = dict(values)
    if "contractor" in out:
        out["contractor"] = clean("contractor", out["contractor"], required=True)
    if "amount" in out:
        amount = out["amount"]
        if amount is None:
            raise Refused("缺少必填项「合同金额」", "amount")
        if amount <= 0:
            raise Refused("合同金额须大于零", "amount")
    if "tender_method" in out and out["tender_method"] is not None \
            and not isinstance(out["tender_method"], TenderMethod):
        raise Refused(f"招标方式应为:{'、'.join(TenderMethod.labels())}", "tender_method")
    if out.get("retention_rate") is not None:
        out["retention_rate"] = parse_percent(out["retention_rate"], "retention_rate",
                                              "质保金比例")
    for key in ("signed_on", "retention_due_on"):
        if key in out and out[key] is not None and not isinstance(out[key], dt.date):
            raise Refused("不是有效日期", key)
    return out


def register_contract(
    project: Project,
    *,
    contract_no: str,
    contractor: str,
    amount: Decimal,
    signed_on: dt.date | None = None,
    tender_method: TenderMethod | None = None,
    retention_rate: Decimal | None = None,
    retention_due_on: dt.date | None = None,
) -> Contract:
    """登记合同 of ``project``; 合同编号 unique (a duplicate is a conflict)."""
    contract_no = clean("contract_no", contract_no, required=True)
    values = _checked(dict(contractor=contractor, amount=amount, signed_on=signed_on,
                           tender_method=tender_method, retention_rate=retention_rate,
                           retention_due_on=retention_due_on))
    lock_name("contract", contract_no)
    if find_contract(contract_no) is not None:
        raise Refused(f"合同编号「{contract_no}」已存在", "contract_no", conflict=True)
    contract = Contract(contract_no=contract_no, project=project, project_id=project.id,
                        **values)
    add(contract)
    record("insert", contract)
    return contract


def update_contract(contract: Contract, changes: dict) -> bool:
    """Change the contract's fields (by key of EDITABLE; ``project`` is a Project) and
    record the change; False when nothing changed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        key = sorted(unknown)[0]
        raise Refused(f"字段「{key}」不能在此修改", key)
    values = _checked(changes)
    before = snapshot(contract)
    for key, value in values.items():
        if key == "project":
            contract.project = value
            contract.project_id = value.id
        else:
            setattr(contract, key, value)
    db.session.flush()
    if snapshot(contract) == before:
        return False
    record("update", contract, before)
    return True


def contracts_of(project: Project) -> list[Contract]:
    """The project's contracts, by signing date (undated first), then 合同编号."""
    return list(db.session.scalars(
        select(Contract).where(Contract.project_id == project.id)
        .order_by(Contract.signed_on.is_not(None), Contract.signed_on, Contract.contract_no)))
