"""要件不全 (yellow): a payment lacking a document its kind's checklist wants; the
checklist is a setting the admin edits (defaults of issue 18), never a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundtrack.attachments.models import DocumentKind as Doc
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind as K
from fundtrack.enums import PaymentKind
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.settings.service import CHECKLIST_KEY, get_checklist, set_checklist
from fundtrack.warnings import Level
from tests import factories as f
from tests.attachments.samples import PDF, attach
from tests.warnings.test_rules import build, found


def payments():
    src = f.source("ZY01", "1000000.00")
    f.arrive(src, "1000000.00", "2024-01-01")
    p = f.project("XM001")
    f.allocate(p, src, "500000.00")
    f.milestone(p, K.ACCEPTED, done="2024-03-01")
    f.pay("YF1", p, src, "10000.00", "2024-02-01", kind=PaymentKind.ADVANCE)
    f.pay("JD1", p, src, "20000.00", "2024-02-10", kind=PaymentKind.PROGRESS)
    f.pay("JS1", p, src, "30000.00", "2024-03-10", kind=PaymentKind.SETTLEMENT)
    wrong = f.pay("JD2", p, src, "5000.00", "2024-02-11", kind=PaymentKind.PROGRESS)
    f.reverse("CX1", wrong, "-5000.00", "2024-02-20")  # JD2 reversed in full
    attach("disbursement:YF1", "合同", PDF, "合同.pdf")
    attach("disbursement:JS1", "验收报告", PDF + b"1", "验收.pdf")
    old = attach("disbursement:JS1", "发票", PDF + b"2", "发票.pdf")
    # a replacement of another kind: the superseded 发票 no longer counts
    attach("disbursement:JS1", "其他", PDF + b"3", "说明.pdf", supersedes=old.id)


def test_defaults_are_issue_18s(app):
    with app.app_context():
        got = get_checklist()
    assert got == {
        PaymentKind.ADVANCE: (Doc.CONTRACT,), PaymentKind.PROGRESS: (Doc.INVOICE,),
        PaymentKind.SETTLEMENT: (Doc.ACCEPTANCE, Doc.SETTLEMENT_AUDIT, Doc.INVOICE),
        PaymentKind.RETENTION: (Doc.INVOICE,)}


def test_a_payment_lacking_its_kinds_documents_is_yellow(app):
    build(app, payments)
    got = found(app, "2024-03-10", "documents_missing")
    # YF1 has its 合同; JD2 is reversed in full; JD1 lacks 发票; JS1 lacks 结算审计报告
    # and the 发票 that was superseded
    assert list(got) == ["XM001"]  # keyed by project in the helper: look at the list
    from fundtrack.warnings import all_warnings
    from tests.factories import day
    with app.app_context():
        alerts = [a for a in all_warnings(day("2024-03-10")) if a.rule == "documents_missing"]
    by_voucher = {a.voucher_no: a for a in alerts}
    assert sorted(by_voucher) == ["JD1", "JS1"]
    assert by_voucher["JD1"].level == Level.YELLOW
    assert by_voucher["JD1"].reason == "进度款 JD1(2024-02-10,20,000.00 元)缺少要件:发票"
    assert "缺少要件:结算审计报告、发票" in by_voucher["JS1"].reason
    assert by_voucher["JS1"].amount == Decimal("30000.00")
    assert by_voucher["JS1"].link == ("attachments.payment", {"voucher_no": "JS1"})
    # as of a date before JS1 was paid, only JD1 (JD2 was not yet reversed on 02-11)
    with app.app_context():
        early = sorted(a.voucher_no for a in all_warnings(day("2024-02-11"))
                       if a.rule == "documents_missing")
    assert early == ["JD1", "JD2"]


def test_the_admin_edits_the_checklist_and_the_warning_follows(app):
    build(app, payments)
    with app.app_context(), unit_of_work("测试"):
        set_checklist({"进度款": [], "预付款": ["合同", "中标通知书"]})
    from fundtrack.warnings import all_warnings
    from tests.factories import day
    with app.app_context():
        alerts = {a.voucher_no: a for a in all_warnings(day("2024-03-10"))
                  if a.rule == "documents_missing"}
        change = db.session.query(Change).filter_by(entity_key=CHECKLIST_KEY).one()
    assert sorted(alerts) == ["JS1", "YF1"]
    assert alerts["YF1"].reason.endswith("缺少要件:中标通知书")
    assert change.actor == "测试" and '"progress": []' in change.after["value"]


def test_the_checklist_refuses_nonsense(app):
    with app.app_context(), unit_of_work("测试"):
        for changes in ({"冲销": ["发票"]}, {"奖金": ["发票"]}, {"预付款": ["照片"]}):
            with pytest.raises(Refused):
                set_checklist(changes)
        set_checklist({"预付款": ["合同"]})  # unchanged: no history
    with app.app_context():
        assert db.session.query(Change).filter_by(entity_key=CHECKLIST_KEY).count() == 0


def test_the_settings_page_edits_the_checklist(app, client, users):
    from tests.conftest import login
    from tests.warnings.test_thresholds import _form

    login(client, users["admin"])
    page = client.get("/settings/").get_data(as_text=True)
    assert "要件清单" in page and 'name="checklist_settlement"' in page
    data = _form(client, checklist_present="1")
    data.update(checklist_advance=["contract", "award"], checklist_progress=["invoice"],
                checklist_settlement=["acceptance"], checklist_retention=[])
    r = client.post("/settings/", data=data)
    assert r.status_code == 302
    with app.app_context():
        got = get_checklist()
    assert got[PaymentKind.ADVANCE] == (Doc.CONTRACT, Doc.AWARD)
    assert got[PaymentKind.SETTLEMENT] == (Doc.ACCEPTANCE,)
    assert got[PaymentKind.RETENTION] == ()
    # a form without the checklist (an older page, a script) leaves it alone
    r = client.post("/settings/", data=_form(client))
    assert r.status_code == 302
    with app.app_context():
        assert get_checklist()[PaymentKind.ADVANCE] == (Doc.CONTRACT, Doc.AWARD)
