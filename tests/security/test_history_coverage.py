"""Every write leaves a change-history row: each write route of the URL map is driven
once, and every table whose rows it changed must have a new 变更记录 row naming it.
Every model's table is covered by some write, or listed below with the reason it is not
ledger data. Nothing in the app edits or deletes the history itself."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundtrack.accounts.models import ApiToken, User
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, ProjectStatus
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.milestones.service import keep_baseline
from fundtrack.performance.service import add_target
from fundtrack.projects.models import Unit
from fundtrack.projects.service import create_project
from fundtrack.rectification.models import FindingSource
from fundtrack.rectification.service import record_finding
from fundtrack.settings import service as settings
from tests.attachments.samples import PDF
from tests.conftest import PASSWORD, bearer, csrf_token, login
from tests.factories import D, allocate, arrive, contract, milestone, pay, project, source
from tests.reporting.conftest import (
    County,
    county_template,  # noqa: F401  (the fixture)
)
from tests.workbook.builder import Book

#: Write routes that change no ledger data, and why.
NOT_DATA_WRITES = {
    "accounts.login": "signing in changes the session; failed attempts go to the "
                      "login_failure counter, a security record, not ledger data",
    "accounts.logout": "signing out changes only the session",
    "workbook.check": "a dry run of the import: it keeps the upload file, writes no row",
    "treasury.check": "reconciling (对账) reads the treasury's export and the ledger: it "
                      "keeps the upload file, writes no row",
    "county_import.upload": "keeps the uploaded county workbook for the mapping page, "
                            "writes no row",
    "reporting.send": "posts the package of a closed month to the upper region's API "
                      "(FUNDTRACK_UPWARD_URL): it only reads here; the upper region's "
                      "api.api_receive keeps and records it",
}
#: Tables that are not ledger data, and why they have no history.
NOT_RECORDED = {
    "change": "the history itself (append-only: no route writes it but record())",
    "login_failure": "the sign-in throttling counter (security, pruned after 15 minutes)",
    "user_session": "who is signed in where (security): sign-in adds a row, sign-out and a "
                    "password change delete rows; the password change itself is recorded",
    "data_version": "a token every write replaces (fundtrack/cache), not the county's data",
}

PAYLOAD_DAY = "2025-10-02"


def _fingerprint() -> dict[str, list]:
    """Every row of every table but the history, in primary-key order."""
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOT_RECORDED:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns))
        out[table.name] = [tuple(r) for r in rows]
    return out


def _history() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(Change.__table__).order_by(Change.id))]


def _last_change_id() -> int:
    return db.session.scalar(select(func.max(Change.id))) or 0


@pytest.fixture
def lower(tmp_path, county_template):  # noqa: F811  (the fixture imported above)
    """A county below this instance: its key, and two closed months packaged (two
    packages, so that the upload and the API each receive one of their own)."""
    county = County(tmp_path / "确山县", county_template, "确山县")
    county.key = county.keygen()
    county.ledger("300000.00", "100000.01")
    county.files = [tmp_path / "june.json", tmp_path / "july.json"]
    county.close_and_package(county.files[0])
    county.close_and_package(county.files[1], "2024-07")
    yield county
    county.dispose()


@pytest.fixture
def county(app, users, tokens, lower):
    # this instance also collects its counties' packages (reporting.*, api.api_receive)
    app.config.update(FUNDTRACK_COLLECTS=True, FUNDTRACK_REGION="驻马店市",
                      FUNDTRACK_LEVEL="市")
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00")
        arrive(src, "500000.00", "2025-09-10")
        prj = project("XM001")
        allocate(prj, src, "300000.00", "2025-09-12")
        pay("PZ0001", prj, src, "100000.00", "2025-10-01")
        contract_id = contract("HT-0001", prj, "250000.00", "2025-09-15").id
        # a baseline (基准计划) for XM001's 完工: moving it later is a 计划调整
        milestone(prj, MilestoneKind.COMPLETED, planned="2025-12-31")
        keep_baseline(prj)
        # a project in the plan, its 开工 planned: entering 实施 keeps the baseline
        planned = create_project(
            code="XM003", name="南村桥梁维修工程", year=2025, township="城关镇",
            unit="县交通运输局", total_investment=D("60000.00"), category="基础设施",
            village="南村", responsible_person="王五", phone="03961112222",
            status=ProjectStatus.PLANNED)
        milestone(planned, MilestoneKind.STARTED, planned="2025-11-01")
        # a settled project with money left (项目结余, returned to its channel)
        settled = project("XM004")
        allocate(settled, src, "1000.00", "2025-09-12")
        milestone(settled, MilestoneKind.SETTLED, planned="2025-10-05", done="2025-10-05")
        # a performance target of XM001 (in 实施): its actual value is recorded below
        target_id = add_target(prj, category="产出", name="新建道路长度", measure="公里",
                               target="3.2").id
        finding = record_finding(source=FindingSource.AUDIT, description="资金拨付滞后",
                                 found_on=dt.date(2025, 9, 1), deadline=dt.date(2025, 9, 30),
                                 project_code="XM001")
        finding_id = finding.id
        durations = {settings.duration_field(k): str(v + 1)
                     for k, v in settings.get_durations().items()}
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "县交通运输局"))
        user_ids = dict(db.session.execute(select(User.username, User.id)).all())
        token_ids = dict(db.session.execute(select(User.username, ApiToken.id).join(
            ApiToken, ApiToken.user_id == User.id)).all())
    return {"users": users, "tokens": tokens, "durations": durations, "ids": user_ids,
            "finding": finding_id, "token_ids": token_ids, "unit": unit_id, "lower": lower,
            "contract": contract_id,
            "target": target_id}


def _import_book(tmp_path) -> bytes:
    book = Book()
    book.add("资金到位", source_code="ZY01", arrived_on=PAYLOAD_DAY, amount="10.00", note="补录")
    book.add("项目", project_code="XM002", name="西村饮水安全工程", year=2025, category="饮水",
             township="城关镇", village="西村", unit="县水利局", responsible_person="李四",
             phone="03967654321", scope="管网 3 公里", total_investment="80000.00", priority="否")
    with open(book.save(tmp_path / "in.xlsx"), "rb") as f:
        return f.read()


def _county_book() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["城关镇2025年衔接资金项目台账"])
    ws.append(["项目名称", "乡镇", "责任单位", "中央资金", "中央已拨付", "开工时间"])
    ws.append(["东关村排水沟工程", "城关镇", "县交通运输局", 1.5, 0.5, "2025-09-20"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _scenarios(county, tmp_path):
    """endpoint → (role, call(client) → response). Each one writes successfully."""
    viewer_id = county["ids"][county["users"]["viewer"]]
    auditor_id = county["ids"][county["users"]["auditor"]]
    api = bearer(county["tokens"]["finance"])
    manager_api = bearer(county["tokens"]["manager"])
    finding = county["finding"]
    lower = county["lower"]
    admin_api = bearer(county["tokens"]["admin"])
    project_fields = {
        "name": "西村灌溉渠", "year": "2025年", "township": "城关镇", "village": "西村",
        "unit": "县交通运输局", "total_investment": "80000", "priority": "否"}

    def form(path, data, page=None):
        def call(client):
            return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})
        return call

    def import_confirm(client):
        r = client.post("/import/check", data={
            "csrf_token": csrf_token(client, "/import/"),
            "workbook": (io.BytesIO(_import_book(tmp_path)), "in.xlsx"),
        }, content_type="multipart/form-data")
        upload = re.search(r'name="upload" type="hidden" value="([^"]+)"',
                           r.get_data(as_text=True)).group(1)
        return client.post("/import/confirm", data={
            "csrf_token": csrf_token(client, "/import/"), "upload": upload,
            "filename": "in.xlsx"})

    def treasury(row: list, action: str, data: dict):
        """Upload a treasury export of one payment, then act on its row 2 (对账)."""
        def call(client):
            from tests.treasury.county import write_export

            export = write_export(tmp_path / f"treasury-{action}.xlsx", [row])
            r = client.post("/treasury/check", data={
                "csrf_token": csrf_token(client, "/treasury/"),
                "export": (io.BytesIO(Path(export).read_bytes()), "国库.xlsx"),
            }, content_type="multipart/form-data")
            result = r.headers["Location"]
            return client.post(f"{result}/{action}/2", data={
                **data, "csrf_token": csrf_token(client, result)})
        return call
    def county_confirm(client):
        """A county's own ledger, mapped, confirmed and the mapping saved: a project,
        its allocation and 期初数 payment, a milestone, the saved mapping."""
        r = client.post("/import/county/", data={
            "csrf_token": csrf_token(client, "/import/county/"),
            "workbook": (io.BytesIO(_county_book()), "本县台账.xlsx"), "mapping": "",
        }, content_type="multipart/form-data")
        page = r.headers["Location"]
        fields = {0: ("name", "", "元"), 1: ("township", "", "元"), 2: ("unit", "", "元"),
                  3: ("allocated", "ZY01", "万元"), 4: ("paid", "ZY01", "万元"),
                  5: ("done:开工", "", "元")}
        data = {"csrf_token": csrf_token(client, page), "action": "confirm",
                "as_of": PAYLOAD_DAY, "year": "2025", "save_as": "本县台账"}
        for j, (what, channel, unit) in fields.items():
            data.update({f"col-{j}-field": what, f"col-{j}-source": channel,
                         f"col-{j}-unit": unit})
        return client.post(page, data=data)

    def upload(path, data, page):
        def call(client):
            return client.post(path, data={**data, "csrf_token": csrf_token(client, page)},
                               content_type="multipart/form-data")
        return call

    return {
        "funds.new_source": ("finance", form("/funds/new", {
            "source_code": "ZY02", "name": "省级衔接资金", "level": "provincial",
            "category": "integrated", "year": "2025", "amount_issued": "1000.00"})),
        "funds.record_arrival": ("finance", form("/funds/ZY01/arrivals", {
            "arrived_on": PAYLOAD_DAY, "amount": "100.00"}, "/funds/ZY01")),
        "funds.record_recovery": ("finance", form("/funds/ZY01/recoveries", {
            "recovered_on": PAYLOAD_DAY, "amount": "100.00", "destination": "upward",
            "document_no": "县财〔2025〕8号", "reason": "结余上缴"}, "/funds/ZY01")),
        "funds.return_leftover": ("finance", form("/funds/leftovers/return", {
            "project_code": "XM004", "source_code": "ZY01"}, "/funds/leftovers")),
        "api.post_recovery": (None, lambda c: c.post("/api/v1/recoveries", headers=api, json={
            "source_code": "ZY01", "recovered_on": PAYLOAD_DAY, "amount": "1.00",
            "destination": "收回统筹", "document_no": "县财〔2025〕9号"})),
        "contracts.new": ("finance", form("/projects/XM001/contracts/new", {
            "contract_no": "HT-0002", "project_code": "XM001", "contractor": "某某监理公司",
            "amount": "12000.00", "signed_on": PAYLOAD_DAY, "tender_method": "inquiry",
            "retention_rate": "3"})),
        "contracts.edit": ("finance", form(f"/contracts/{county['contract']}/edit", {
            "project_code": "XM001", "contractor": "某某路桥公司", "amount": "260000.00",
            "signed_on": "2025-09-15", "tender_method": "open"})),
        "api.post_contract": (None, lambda c: c.post("/api/v1/contracts", headers=api, json={
            "contract_no": "HT-0003", "project_code": "XM001", "contractor": "某某设计院",
            "amount": "8000.00", "retention_rate": "5%"})),
        "api.put_contract": (None, lambda c: c.put("/api/v1/contracts/HT-0001", headers=api,
                                                   json={"amount": "255000.00"})),
        "funds.allocate": ("finance", form("/funds/ZY01/allocate", {
            "project_code": "XM001", "amount": "100.00", "allocated_on": PAYLOAD_DAY})),
        "funds.new_payment": ("finance", form("/funds/payments/new", {
            "project_code": "XM001", "source_code": "ZY01", "voucher_no": "PZ0002",
            "paid_on": PAYLOAD_DAY, "amount": "100.00", "kind": "progress"})),
        "funds.reverse": ("finance", form("/funds/payments/PZ0001/reverse", {
            "voucher_no": "CX0001", "paid_on": PAYLOAD_DAY, "amount": "100.00",
            "memo": "金额录入错误"})),
        "treasury.headers": ("finance", form("/treasury/headers", {
            "voucher_no": "凭证编号", "payee": "收款人全称"}, "/treasury/")),
        "treasury.register": ("finance", treasury(
            ["GK0001", dt.date(2025, 10, 2), 10.00, "县路桥公司", "6228480001", None, None],
            "register", {"project_code": "XM001", "source_code": "ZY01",
                         "kind": "progress"})),
        "treasury.explain": ("finance", treasury(
            ["PZ0001", dt.date(2025, 10, 1), 99999.00, "某某建筑公司", None, None, None],
            "explain", {"note": "国库按实际到账金额记录"})),
        "milestones.done": ("manager", form("/milestones/XM001/开工/done", {
            "done_on": PAYLOAD_DAY}, "/milestones/")),
        "milestones.edit": ("manager", form("/milestones/XM001/edit", {
            "approved-planned_on": "2025-03-01", "approved-note": "已入库",
            "completed-planned_on": "2025-12-31"})),  # its baseline, kept
        "milestones.schedule": ("manager", form("/milestones/XM001/schedule", {
            "completed": "2025-12-31"}, "/milestones/XM001/schedule?deadline=2025-12-31")),
        "settings.index": ("admin", form("/settings/", {
            **county["durations"], "tender_threshold": "200000.00"})),
        "admin.create": ("admin", form("/admin/users/new", {
            "username": "xinren", "role": "viewer", "password": "a long password 1",
            "confirm": "a long password 1"}, "/admin/users")),
        "admin.update": ("admin", form(f"/admin/users/{viewer_id}", {
            "role": "auditor"}, "/admin/users")),
        "admin.set_active": ("admin", form(f"/admin/users/{viewer_id}/active", {
            "active": "0"}, "/admin/users")),
        "admin.token": ("admin", form(f"/admin/users/{auditor_id}/token", {}, "/admin/users")),
        "workbook.confirm": ("finance", import_confirm),
        "county_import.map_page": ("finance", county_confirm),
        "rectification.new": ("auditor", form("/rectification/new", {
            "source": "inspection", "project_code": "XM001", "unit": "",
            "description": "项目公示不到位", "found_on": "2025-10-01",
            "deadline": "2025-10-31"})),
        "rectification.evidence": ("manager", form(f"/rectification/{finding}/evidence", {
            "note": "已补发拨付文件"}, f"/rectification/{finding}")),
        "rectification.close": ("auditor", form(f"/rectification/{finding}/close", {
            "done_on": PAYLOAD_DAY, "note": "资金已拨付到位"}, f"/rectification/{finding}")),
        "rectification.reopen": ("auditor", form(f"/rectification/{finding}/reopen", {
            "note": "复查发现仍有资金未拨付"}, f"/rectification/{finding}")),
        "periods.close": ("finance", form("/periods/close", {
            "month": "2025-09", "confirmed": "1"}, "/periods/")),
        "api.post_disbursement": (None, lambda c: c.post("/api/v1/disbursements", headers=api,
                                                         json={
            "voucher_no": "PZ0003", "project_code": "XM001", "source_code": "ZY01",
            "paid_on": PAYLOAD_DAY, "amount": "1.00", "kind": "进度款"})),
        "api.put_milestone": (None, lambda c: c.put(
            "/api/v1/projects/XM001/milestones/完工", headers=manager_api,
            json={"planned_on": "2026-01-15", "reason": "冬季停工,完工顺延"})),
        "projects.new": ("finance", form("/projects/new", {
            **project_fields, "project_code": "XM0201", "status": "计划"})),
        "projects.edit": ("finance", form("/projects/XM001/edit", {
            **project_fields, "project_code": "XM001", "name": "东村道路(改)",
            "total_investment": "650000.00"})),
        "projects.change_status": ("finance", form("/projects/XM003/status", {
            "to": "实施"}, "/projects/XM003")),
        "api.post_project": (None, lambda c: c.post("/api/v1/projects", headers=api, json={
            "project_code": "XM0101", "name": "东村道路硬化", "year": 2025,
            "township": "城关镇", "unit": "县交通运输局", "total_investment": "120000.50",
            "village": "东村", "priority": "是"})),
        "performance.new_target": ("manager", form("/projects/XM001/targets/new", {
            "category": "效益", "name": "受益人口", "measure": "人", "target": "≥1200"})),
        "performance.actual": ("manager", form(f"/projects/XM001/targets/{county['target']}", {
            "actual": "3.2", "met": "是"})),
        "api.post_target": (None, lambda c: c.post(
            "/api/v1/projects/XM001/targets", headers=manager_api, json={
                "category": "满意度", "name": "群众满意度", "measure": "%", "target": "≥95"})),
        "api.put_target": (None, lambda c: c.put(
            f"/api/v1/projects/XM001/targets/{county['target']}", headers=manager_api,
            json={"actual": "2.9", "met": "否", "gap_reason": "路基塌方改线"})),
        "assets.new": ("finance", form("/projects/XM004/assets/new", {
            "name": "村级光伏电站", "asset_class": "经营性", "value": "1000.00",
            "owner": "北村股份经济合作社", "maintainer": "北村股份经济合作社",
            "handed_over_on": "2025-10-06", "document_no": "城关〔2025〕3号"})),
        "api.post_handover": (None, lambda c: c.post(
            "/api/v1/projects/XM004/assets", headers=api, json={
                "name": "村级光伏电站二期", "asset_class": "经营性", "value": "500.00",
                "owner": "北村股份经济合作社", "maintainer": "北村股份经济合作社",
                "handed_over_on": "2025-10-07"})),
        # after the writes that need XM001 in 实施 (an allocation, its targets)
        "api.post_status": (None, lambda c: c.post(
            "/api/v1/projects/XM001/status", headers=api, json={"status": "完工"})),
        "units.index": ("admin", form("/units/", {
            "name": "城关镇人民政府", "kind": "乡镇", "contact": "李四 0396-1"})),
        "units.edit": ("admin", form(f"/units/{county['unit']}", {
            "name": "县交通运输局(县公路事业发展中心)", "kind": "县直部门"})),
        "attachments.upload": ("finance", upload("/attachments/upload", {
            "owner": "source:ZY01", "kind": "下达文件", "next": "/funds/ZY01",
            "file": [(io.BytesIO(PDF), "下达文件.pdf")]}, "/funds/ZY01")),
        "api.post_attachment": (None, lambda c: c.post("/api/v1/attachments", headers=api,
                                                       data={
            "owner": "disbursement:PZ0001", "kind": "发票",
            "file": (io.BytesIO(PDF + b"%2"), "发票.pdf")},
            content_type="multipart/form-data")),
        "reporting.add_region": ("admin", form("/reporting/regions", {
            "name": lower.name, "public_key": lower.key})),
        "reporting.receive_upload": ("admin", upload("/reporting/receive", {
            "package": (io.BytesIO(lower.files[0].read_bytes()), "june.json")},
            "/reporting/rollup")),
        "api.api_receive": (None, lambda c: c.post(
            "/api/v1/packages", data=lower.files[1].read_bytes(),
            headers={**admin_api, "Content-Type": "application/json"})),
        "reporting.return_month": ("admin", form("/reporting/return", {
            "region": lower.name, "month": "2024-07", "note": "逾期节点数有误,请核对后重报"},
            "/reporting/rollup?month=2024-07")),
        # last: they change passwords and tokens the scenarios above use
        "admin.revoke_token": ("admin", form(
            f"/admin/tokens/{county['token_ids'][county['users']['viewer']]}/revoke", {},
            "/admin/tokens")),
        "accounts.revoke_own_token": ("auditor", form(
            f"/account/tokens/{county['token_ids'][county['users']['auditor']]}/revoke", {},
            "/account")),
        "admin.reset_password": ("admin", form(f"/admin/users/{viewer_id}/password", {
            "password": "a reset password 2", "confirm": "a reset password 2"})),
        "accounts.change_password": ("auditor", form("/account/password", {
            "current": PASSWORD, "password": "a changed password 3",
            "confirm": "a changed password 3"}, "/account")),
    }


def _write_rules(app):
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}


def test_every_write_route_leaves_history_for_every_table_it_changes(app, county, tmp_path):
    scenarios = _scenarios(county, tmp_path)
    untested = _write_rules(app) - scenarios.keys() - NOT_DATA_WRITES.keys()
    assert not untested, f"write routes with neither a scenario here nor a reason: {untested}"
    recorded: set[str] = set()
    for endpoint, (role, call) in scenarios.items():
        client = app.test_client()
        if role:
            login(client, county["users"][role])
        with app.app_context():
            before, since, history = _fingerprint(), _last_change_id(), _history()
        r = call(client)
        errors = re.findall(r'class="error"[^>]*>([^<]*)<', r.get_data(as_text=True))
        assert r.status_code in (200, 201, 302), (endpoint, r.status_code, errors,
                                                  r.get_data(as_text=True)[:300])
        with app.app_context():
            after = _fingerprint()
            changed = {t for t in after if after[t] != before.get(t)}
            entities = set(db.session.scalars(
                select(Change.entity).where(Change.id > since)))
            # the history only grows: what was there is still there, unchanged
            assert _history()[:len(history)] == history, endpoint
        assert changed, f"{endpoint} answered {r.status_code} but wrote nothing"
        assert changed <= entities, (endpoint, changed - entities)
        recorded |= entities
    models = {m.local_table.name for m in db.Model.registry.mappers}
    assert models - recorded - NOT_RECORDED.keys() == set()


def test_no_route_writes_or_deletes_the_history(app):
    """The history is written only by history.service.record, in the same transaction as
    the change; its own pages only read."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("history."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
    import pathlib

    import fundtrack

    root = pathlib.Path(fundtrack.__file__).parent
    writers = [
        p.relative_to(root).as_posix() for p in root.rglob("*.py")
        if re.search(r"(update|delete)\(\s*Change\b|Change\.__table__\.(update|delete)",
                     p.read_text(encoding="utf-8"))
    ]
    assert writers == []
