"""Text a user typed is shown as text on every page: a county whose every name, note and
memo is ``<script>alert(1)</script>``, and every GET page of the URL map opened with the
arguments of that county (and once more with every query parameter set to the same text),
never carries the script unescaped."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from flask import url_for
from sqlalchemy import select

from fundtrack.accounts.models import User
from fundtrack.attachments.models import Attachment
from fundtrack.contracts.models import Contract
from fundtrack.database import unit_of_work
from fundtrack.enums import FundCategory, Level, MilestoneKind, PaymentKind, Role
from fundtrack.extensions import db
from fundtrack.ledger import REPORTS
from fundtrack.performance.models import PerformanceTarget
from fundtrack.projects.models import Unit
from fundtrack.rectification.models import Finding
from tests.attachments.samples import JPEG, PDF, attach
from tests.conftest import PASSWORD, login

XSS = "<script>alert(1)</script>"
RAW = "<script>alert(1)"
ESCAPED = "&lt;script&gt;alert(1)"
#: Query parameters the pages read (filters, search, dates, paging, sorting).
QUERY_KEYS = ("q", "key", "actor", "entity", "as_of", "year", "township", "unit", "category",
              "priority", "sort", "page", "kind", "project", "source", "date_from",
              "date_to", "reached", "overdue", "deadline", "paid_on", "next", "month")


def _county(app):
    from fundtrack.accounts.service import create_user
    from fundtrack.contracts.service import register_contract
    from fundtrack.funds import service as funds
    from fundtrack.milestones.service import set_milestone
    from fundtrack.periods.service import close_month
    from fundtrack.projects.service import create_project
    from fundtrack.rectification.models import FindingSource
    from fundtrack.rectification.service import add_evidence, record_finding

    d = Decimal
    with app.app_context(), unit_of_work(XSS):
        create_user(XSS, Role.ADMIN, password=PASSWORD)
        create_user("xss_manager", Role.MANAGER, unit=XSS, password=PASSWORD)
        prj = create_project(code="XM001", name=XSS, year=2025, township=XSS, unit=XSS,
                             total_investment=d("500000.00"), category=XSS, village=XSS,
                             responsible_person=XSS, phone=XSS, scope=XSS)
        src = funds.create_source(code="ZY01", name=XSS, level=Level.CENTRAL,
                                  category=FundCategory.POVERTY, year=2025,
                                  amount_issued=d("1000000.00"), document_no=XSS)
        funds.record_arrival(src, arrived_on=dt.date(2025, 3, 1), amount=d("300000.00"),
                             note=XSS)
        funds.allocate(prj, src, amount=d("200000.00"), document_no=XSS,
                       allocated_on=dt.date(2025, 3, 2))
        first = funds.post_disbursement(voucher_no="PZ0001", project=prj, source=src,
                                        paid_on=dt.date(2025, 3, 5), amount=d("1000.00"),
                                        kind=PaymentKind.PROGRESS, payee=XSS, memo=XSS)
        funds.post_disbursement(voucher_no=XSS, project=prj, source=src,
                                paid_on=dt.date(2025, 3, 6), amount=d("-100.00"),
                                kind=PaymentKind.REVERSAL, payee=XSS, memo=XSS, reverses=first)
        set_milestone(prj, MilestoneKind.STARTED, planned_on=dt.date(2025, 2, 1), note=XSS)
        set_milestone(prj, MilestoneKind.APPROVED, done_on=dt.date(2025, 1, 10), note=XSS)
        close_month("2025-04")
        finding = record_finding(source=FindingSource.INSPECTION, description=XSS,
                                 found_on=dt.date(2025, 5, 1), deadline=dt.date(2025, 5, 31),
                                 project_code="XM001")
        add_evidence(finding, XSS, dt.date(2025, 5, 10))
        attach("project:XM001", "合同", PDF, f"{XSS}.pdf")
        register_contract(prj, contract_no=XSS, contractor=XSS, amount=d("1000.00"))
        attach("project:XM001", "公示照片", JPEG, f"{XSS}.jpg")  # the public page's photos
        from fundtrack.performance.service import add_target, record_actual

        record_actual(add_target(prj, category="产出", name=XSS, measure="<b>", target=XSS),
                      actual=XSS, met=False, gap_reason=XSS)


#: Values to try for each URL argument, by its name (unknown names get all of them).
def _values(app) -> dict[str, list]:
    with app.app_context():
        user_ids = list(db.session.scalars(select(User.id)))
        finding_ids = list(db.session.scalars(select(Finding.id)))
        attachment_ids = list(db.session.scalars(select(Attachment.id)))
        unit_ids = list(db.session.scalars(select(Unit.id)))
        contract_ids = list(db.session.scalars(select(Contract.id)))
        target_ids = list(db.session.scalars(select(PerformanceTarget.id)))
    return {
        "code": ["XM001", "ZY01"], "project_code": ["XM001"], "source_code": ["ZY01"],
        "voucher_no": ["PZ0001", XSS], "kind": [MilestoneKind.STARTED.label, "started"],
        "milestone": [MilestoneKind.STARTED.label], "report": list(REPORTS),
        "user_id": user_ids, "month": ["2025-04"], "finding_id": finding_ids,
        "attachment_id": attachment_ids, "photo_id": attachment_ids, "package_id": [1],
        "unit_id": unit_ids,
        "upload": ["00000000-0000-4000-8000-000000000000"], "row": [2],
        "contract_id": contract_ids, "target_id": target_ids,
        "job_id": ["0" * 32, XSS],
    }


def _urls(app):
    values = _values(app)
    everything = sorted({str(v) for vs in values.values() for v in vs})
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" \
                    or rule.rule.startswith("/api/") or rule.endpoint == "accounts.logout":
                continue
            args = sorted(rule.arguments)
            choices = [values.get(a, everything) for a in args]
            for combo in itertools.product(*choices):
                yield rule.endpoint, url_for(rule.endpoint, **dict(zip(args, combo, strict=True)))


def test_no_page_shows_typed_text_as_markup(app, users):
    _county(app)
    client = app.test_client()
    assert login(client, XSS).status_code == 302
    opened, escaped = set(), set()
    reflected = {k: XSS for k in QUERY_KEYS}
    for endpoint, url in _urls(app):
        for query in (None, reflected):
            r = client.get(url, query_string=query)
            if not r.content_type.startswith("text/html"):
                r.close()  # a file sent from disk (a document) is closed with its response
                continue
            html = r.get_data(as_text=True)
            assert RAW not in html, (url, query is not None, r.status_code)
            if r.status_code == 200:
                opened.add(endpoint)
            if ESCAPED in html:
                escaped.add(endpoint)
    # the walk really opened the pages, and they really showed the text (escaped)
    expected = {"main.index", "projects.index", "projects.detail", "funds.index",
                "contracts.new", "contracts.edit",
                "funds.source", "funds.payments", "funds.reverse", "milestones.index",
                "milestones.edit", "ledger.report", "history.index", "admin.users",
                "periods.index"}
    assert expected <= opened, expected - opened
    assert {"projects.detail", "funds.source", "funds.payments", "history.index",
            "admin.users", "periods.index"} <= escaped, escaped


def test_the_manager_and_signed_out_pages_too(app, users):
    _county(app)
    client = app.test_client()
    for path in ("/login", "/healthz"):
        assert RAW not in client.get(path, query_string={"next": XSS}).get_data(as_text=True)
    login(client, "xss_manager")
    for path in ("/", "/milestones/", "/milestones/XM001/edit", "/projects/XM001"):
        r = client.get(path)
        assert r.status_code == 200 and RAW not in r.get_data(as_text=True), path
        assert ESCAPED in r.get_data(as_text=True), path
