"""Contracts (合同): what refuses one (a missing or unreadable value, a duplicate 合同编号),
what does not (everything the warnings question), and the change history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundtrack.contracts.models import Contract
from fundtrack.contracts.service import get_contract, update_contract
from fundtrack.enums import TenderMethod
from fundtrack.errors import NotFound, Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.factories import D, contract, day, project


def test_a_contract_is_registered_with_its_retention_and_history(ctx):
    prj = project("XM001")
    c = contract("HT-2024-001", prj, "480000.00", "2024-04-01",
                 method=TenderMethod.OPEN, rate="0.03", due="2025-10-01")
    assert c.id and c.project is prj and c.retention == D("14400.00")
    assert c.tender_method.label == "公开招标" and c.retention_rate == D("0.0300")
    change = db.session.scalar(select(Change).where(Change.entity == "contract"))
    assert change.entity_key == "HT-2024-001" and change.actor == "测试员"
    assert change.after["amount"] == "480000.00" and change.after["tender_method"] == "公开招标"


def test_retention_is_rounded_half_up_to_the_fen(ctx):
    c = contract("HT1", project("XM001"), "333.35", rate="0.03")
    assert c.retention == D("10.00")  # 10.0005 → 10.00
    c = contract("HT2", project("XM002"), "350.50", rate="0.05")
    assert c.retention == D("17.53")  # 17.525 → 17.53


def test_a_contract_number_is_unique_in_its_normalised_form(ctx):
    prj = project("XM001")
    contract("确财采〔2024〕12号", prj, "1000.00")
    with pytest.raises(Refused) as e:
        contract("确财采〔2024〕12号 ", project("XM002"), "2000.00")
    assert e.value.conflict and e.value.field == "contract_no"
    assert e.value.message == "合同编号「确财采〔2024〕12号」已存在"
    with pytest.raises(Refused):  # full-width digits are the same number
        contract("确财采〔２０２４〕１２号", prj, "2000.00")


@pytest.mark.parametrize("change,field,message", [
    ({"amount": "0"}, "amount", "合同金额须大于零"),
    ({"amount": "-1"}, "amount", "合同金额须大于零"),
    ({"contractor": "  "}, "contractor", "承建单位不能为空"),
    ({"rate": "1.01"}, "retention_rate", "质保金比例应在 0% 到 100% 之间"),
    ({"rate": "0.00001"}, "retention_rate", "质保金比例最多两位小数(如 62.50%)"),
    ({"no": ""}, "contract_no", "合同编号不能为空"),
    ({"no": "x" * 51}, "contract_no", "合同编号长度为 51 个字符,超过上限 50 个字符"),
])
def test_bad_contracts_are_refused_and_nothing_is_written(ctx, change, field, message):
    prj = project("XM001")
    args = {"no": "HT1", "amount": "1000.00", "contractor": "某某公司", "rate": None}
    args.update(change)
    with pytest.raises(Refused) as e:
        contract(args["no"], prj, args["amount"], contractor=args["contractor"],
                 rate=args["rate"])
    assert (e.value.field, e.value.message) == (field, message)
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 0


def test_what_the_warnings_question_is_not_refused(ctx):
    """Due before signing, 直接委托 above the threshold: warnings, never refusals."""
    prj = project("XM001", "5000000.00")
    c = contract("HT1", prj, "4000000.00", "2024-05-01", method=TenderMethod.DIRECT,
                 rate="0.05", due="2024-01-01")
    assert c.id


def test_a_contract_is_corrected_with_its_history(ctx):
    c = contract("HT1", project("XM001"), "1000.00", "2024-04-01")
    other = project("XM002")
    assert update_contract(c, {"amount": D("1200.00"), "project": other,
                               "retention_rate": "5%", "retention_due_on": day("2025-04-01")})
    assert c.project_id == other.id and c.retention == D("60.00")
    change = db.session.scalar(select(Change).where(Change.entity == "contract",
                                                    Change.action == "update"))
    assert change.before["amount"] == "1000.00" and change.after["amount"] == "1200.00"
    assert change.after["retention_rate"] == "0.0500"
    assert not update_contract(c, {"amount": D("1200.00")})  # nothing changed, no record
    with pytest.raises(Refused) as e:
        update_contract(c, {"contract_no": "HT9"})
    assert e.value.field == "contract_no"
    assert get_contract("HT1") is c
    with pytest.raises(NotFound):
        get_contract("HT9")
