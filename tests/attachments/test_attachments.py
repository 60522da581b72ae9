"""Documents (报账要件): attaching through the API and the page, who may, what is let in,
the SHA-256 checked whenever a file is served, the checklist of a payment, verify-files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from fundtrack.attachments import storage
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.conftest import bearer, csrf_token, login
from tests.factories import allocate, arrive, milestone, pay, project, source

from .samples import DOCX, EXE, JPEG, OFD, PDF, PNG, XLSX, ZIP, attach


@pytest.fixture
def ledger(app, users):
    """A channel, the manager's unit's project and another unit's, a settlement payment
    and a finding about the manager's unit."""
    from fundtrack.rectification import service as rectification
    from fundtrack.rectification.models import FindingSource

    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        road = project("XM001")  # 县交通运输局: the manager's unit
        water = project("XM002", unit="县水利局", village="西村")
        arrive(zy, "300000.00", "2024-03-01")
        allocate(road, zy, "200000.00")
        allocate(water, zy, "50000.00")
        milestone(road, MilestoneKind.ACCEPTED, planned="2024-03-01", done="2024-03-20")
        pay("PZ0001", road, zy, "150000.00", "2024-04-01", kind=PaymentKind.SETTLEMENT)
        f = rectification.record_finding(
            source=FindingSource.AUDIT, description="结算资料不全", project_code="XM001",
            found_on=dt.date(2024, 6, 1), deadline=dt.date(2024, 6, 30))
        return {"finding": f.id}


def fetch(client, url, **kw):
    """GET a stored file, its body read and the file closed."""
    r = client.get(url, **kw)
    r.get_data()
    r.close()
    return r


def post(client, token, owner, kind, data, filename):
    return client.post("/api/v1/attachments", headers=bearer(token), data={
        "owner": owner, "kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def test_attach_by_api_then_download_the_same_bytes(app, client, tokens, ledger):
    r = post(client, tokens["finance"], "disbursement:PZ0001", "发票", PDF, "发票 2024.pdf")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body == {"id": body["id"], "sha256": hashlib.sha256(PDF).hexdigest(),
                    "size": len(PDF), "filename": "发票 2024.pdf", "kind": "发票",
                    "owner": "disbursement:PZ0001"}
    stored = Path(app.config["FUNDTRACK_FILES"]) / body["sha256"][:2] / body["sha256"]
    assert stored.read_bytes() == PDF

    got = fetch(client, f"/api/v1/attachments/{body['id']}", headers=bearer(tokens["auditor"]))
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%8F%91%E7%A5%A8%202024.pdf" in disposition
    with app.app_context():
        change = db.session.scalar(select(Change).where(Change.entity == "attachment"))
        assert change.action == "insert" and change.actor == "caizheng"


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (PDF, "scan.bin", "application/pdf"), (JPEG, "照片.pdf", "image/jpeg"),
    (PNG, "photo", "image/png"), (OFD, "发票.ofd", "application/ofd"),
    (XLSX, "清单.xlsx", storage.XLSX), (DOCX, "合同.docx", storage.DOCX),
])
def test_the_content_decides_the_type_not_the_name(app, client, tokens, ledger, data, name,
                                                    content_type):
    r = post(client, tokens["admin"], "source:ZY01", "下达文件", data, name)
    assert r.status_code == 201, r.get_json()
    with app.app_context():
        from fundtrack.attachments.models import Attachment

        assert db.session.get(Attachment, r.get_json()["id"]).content_type == content_type


@pytest.mark.parametrize(("data", "words"), [
    (EXE, "可执行程序"), (ZIP, "压缩包"), (b"\x1f\x8b\x08\x00rest", "压缩包"),
    (b"just some text", "无法识别"), (b"", "空"),
])
def test_an_executable_or_archive_named_pdf_is_refused(app, client, tokens, ledger, data,
                                                        words):
    r = post(client, tokens["finance"], "disbursement:PZ0001", "发票", data, "发票.pdf")
    assert r.status_code == 422
    [err] = r.get_json()["errors"]
    assert err["field"] == "file" and words in err["message"]
    with app.app_context():
        from fundtrack.attachments.models import Attachment

        assert db.session.scalar(select(Attachment)) is None
    files = Path(app.config["FUNDTRACK_FILES"])
    assert not [p for p in files.rglob("*") if p.is_file()], "nothing half-written kept"


def test_a_file_over_the_size_limit_is_refused(app, client, tokens, ledger):
    app.config["FUNDTRACK_MAX_FILE_BYTES"] = 1024
    r = post(client, tokens["finance"], "disbursement:PZ0001", "发票",
             PDF + b"0" * 2000, "大.pdf")
    assert r.status_code == 422
    assert "超过大小上限" in r.get_json()["errors"][0]["message"]


def test_bad_owner_and_kind_are_refused_with_a_message(client, tokens, ledger):
    # a code naming nothing in a body is 422, as for POST /api/v1/disbursements
    cases = [("project:XM999", "合同", 422, "XM999"), ("payment:PZ0001", "发票", 422, "payment"),
             ("", "发票", 422, "所属"), ("project:XM001", "照片", 422, "要件类型"),
             ("finding:abc", "整改材料", 422, "abc")]
    for owner, kind, status, words in cases:
        r = post(client, tokens["admin"], owner, kind, PDF, "a.pdf")
        assert r.status_code == status, (owner, r.get_json())
        assert words in r.get_json()["errors"][0]["message"]


@pytest.mark.parametrize(("role", "owner", "allowed"), [
    ("finance", "source:ZY01", True), ("admin", "disbursement:PZ0001", True),
    ("manager", "source:ZY01", False), ("manager", "disbursement:PZ0001", False),
    ("auditor", "disbursement:PZ0001", False), ("viewer", "project:XM001", False),
    ("manager", "project:XM001", True), ("manager", "project:XM002", False),
    ("finance", "project:XM002", True), ("auditor", "project:XM001", False),
    ("manager", "finding:{finding}", True), ("auditor", "finding:{finding}", True),
    ("viewer", "finding:{finding}", False),
])
def test_who_may_attach_follows_who_may_change_the_thing(client, tokens, ledger, role, owner,
                                                          allowed):
    r = post(client, tokens[role], owner.format(**ledger), "其他", PDF, "a.pdf")
    assert r.status_code == (201 if allowed else 403), (role, owner, r.get_json())


def test_every_role_but_viewer_may_download(client, tokens, ledger):
    aid = post(client, tokens["finance"], "source:ZY01", "下达文件", PDF, "a.pdf").get_json()["id"]
    for role in ("admin", "finance", "manager", "auditor"):
        assert fetch(client, f"/api/v1/attachments/{aid}",
                          headers=bearer(tokens[role])).status_code == 200, role
    assert fetch(client, f"/api/v1/attachments/{aid}",
                      headers=bearer(tokens["viewer"])).status_code == 403
    assert fetch(client, f"/api/v1/attachments/{aid}").status_code == 401
    assert fetch(client, "/api/v1/attachments/99999",
                      headers=bearer(tokens["admin"])).status_code == 404


def _corrupt(app, sha: str, how: str) -> None:
    path = Path(app.config["FUNDTRACK_FILES"]) / sha[:2] / sha
    if how == "changed":
        path.write_bytes(path.read_bytes() + b"tampered")
    else:
        path.unlink()


@pytest.mark.parametrize("how", ["changed", "missing"])
def test_a_file_changed_on_disk_is_not_served(app, client, tokens, users, ledger, runner, how):
    ok = post(client, tokens["finance"], "source:ZY01", "下达文件", PNG, "文件.png").get_json()
    bad = post(client, tokens["finance"], "disbursement:PZ0001", "发票", PDF,
               "发票.pdf").get_json()
    assert runner.invoke(args=["verify-files"]).exit_code == 0
    _corrupt(app, bad["sha256"], how)

    r = fetch(client, f"/api/v1/attachments/{bad['id']}", headers=bearer(tokens["auditor"]))
    assert r.status_code == 409 and b"%PDF" not in r.data
    assert "发票.pdf" in r.get_json()["errors"][0]["message"]
    login(client, users["auditor"])
    page = fetch(client, f"/attachments/{bad['id']}/file")
    assert page.status_code == 409 and "已停止提供下载" in page.get_data(as_text=True)
    assert fetch(client, f"/attachments/{ok['id']}/file").data == PNG
    with app.app_context():
        lines = db.session.scalars(select(Change).where(Change.action == "mismatch")).all()
        assert len(lines) == 2 and lines[0].entity_id == bad["id"]
        assert lines[0].actor == "shenji"
    history = client.get("/history/?entity=attachment").get_data(as_text=True)
    assert "校验不符" in history

    result = runner.invoke(args=["verify-files"])
    assert result.exit_code == 1
    assert f"附件 #{bad['id']} disbursement:PZ0001 「发票.pdf」" in result.output
    assert "文件.png" not in result.output
    assert ("文件缺失" if how == "missing" else "不符") in result.output


def test_a_replacement_supersedes_and_both_are_listed(app, client, tokens, users, ledger):
    first = post(client, tokens["finance"], "disbursement:PZ0001", "发票", PDF,
                 "发票.pdf").get_json()
    r = client.post("/api/v1/attachments", headers=bearer(tokens["finance"]), data={
        "owner": "disbursement:PZ0001", "kind": "发票", "supersedes": str(first["id"]),
        "file": (io.BytesIO(PDF + b"%v2\n"), "发票(更正).pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 201
    second = r.get_json()
    # the first one is kept whole and still served
    assert fetch(client, f"/api/v1/attachments/{first['id']}",
                      headers=bearer(tokens["admin"])).data == PDF
    login(client, users["finance"])
    html = client.get("/attachments/payments/PZ0001").get_data(as_text=True)
    assert "发票.pdf" in html and "发票(更正).pdf" in html
    assert f"已被 #{second['id']} 替换" in html
    assert first["sha256"][:12] in html and second["sha256"][:12] in html
    # a replacement names an attachment of the same owner
    r = client.post("/api/v1/attachments", headers=bearer(tokens["finance"]), data={
        "owner": "source:ZY01", "kind": "下达文件", "supersedes": str(first["id"]),
        "file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "supersedes"


def test_the_settlement_checklist_warns_of_missing_documents(client, tokens, users, ledger):
    login(client, users["viewer"])
    page = client.get("/attachments/payments/PZ0001").get_data(as_text=True)
    assert "要件不全" in page and "缺 验收报告、结算审计报告、发票" in page
    project_page = client.get("/projects/XM001").get_data(as_text=True)
    assert "要件不全" in project_page and "PZ0001</a> 缺 验收报告、结算审计报告、发票" \
        in project_page
    for kind in ("验收报告", "结算审计报告"):
        post(client, tokens["finance"], "disbursement:PZ0001", kind, PDF + kind.encode(), "a.pdf")
    page = client.get("/attachments/payments/PZ0001").get_data(as_text=True)
    assert "缺 发票" in page and "缺 验收报告" not in page
    post(client, tokens["finance"], "disbursement:PZ0001", "发票", PDF, "发票.pdf")
    assert "要件不全" not in client.get("/attachments/payments/PZ0001").get_data(as_text=True)
    assert "要件不全" not in client.get("/projects/XM001").get_data(as_text=True)


def test_pages_list_documents_and_offer_the_form_only_to_who_may_attach(
        client, tokens, users, ledger):
    post(client, tokens["finance"], "source:ZY01", "下达文件", PDF, "下达文件.pdf")
    post(client, tokens["manager"], "project:XM001", "合同", PNG, "合同.png")
    post(client, tokens["manager"], f"finding:{ledger['finding']}", "整改材料", JPEG, "整改.jpg")
    pages = {"/funds/ZY01": "下达文件.pdf", "/projects/XM001": "合同.png",
             f"/rectification/{ledger['finding']}": "整改.jpg"}
    login(client, users["manager"])
    for path, name in pages.items():
        html = client.get(path).get_data(as_text=True)
        assert name in html and "附件" in html, path
        assert ('class="attachment-upload"' in html) == (path != "/funds/ZY01"), path
        assert "js/attachments.js" in html or path == "/funds/ZY01"


def test_browser_form_upload_several_files_at_once_all_or_nothing(client, users, ledger):
    login(client, users["finance"])
    token = csrf_token(client, "/funds/ZY01")
    r = client.post("/attachments/upload", data={
        "csrf_token": token, "owner": "source:ZY01", "kind": "下达文件", "next": "/funds/ZY01",
        "file": [(io.BytesIO(PDF), "一.pdf"), (io.BytesIO(EXE), "二.pdf")]},
        content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert "「二.pdf」" in r.get_json()["errors"][0]["message"]
    assert "一.pdf" not in client.get("/funds/ZY01").get_data(as_text=True)
    r = client.post("/attachments/upload", data={
        "csrf_token": token, "owner": "source:ZY01", "kind": "下达文件", "next": "/funds/ZY01",
        "file": [(io.BytesIO(PDF), "一.pdf"), (io.BytesIO(PNG), "二.png")]},
        content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/funds/ZY01")
    html = client.get("/funds/ZY01").get_data(as_text=True)
    assert "一.pdf" in html and "二.png" in html and "已上传 2 个附件" in html
    # a viewer is refused, and another site is never where the form sends one back
    login(client, users["viewer"])
    r = client.post("/attachments/upload", data={
        "csrf_token": csrf_token(client, "/funds/ZY01"), "owner": "source:ZY01",
        "kind": "下达文件", "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 403


def test_preview_inline_only_for_images_and_pdf(client, tokens, users, ledger):
    pdf = post(client, tokens["finance"], "source:ZY01", "下达文件", PDF, "a.pdf").get_json()
    docx = post(client, tokens["finance"], "source:ZY01", "其他", DOCX, "b.pdf").get_json()
    login(client, users["auditor"])
    r = fetch(client, f"/attachments/{pdf['id']}/file?inline=1")
    assert r.headers["Content-Disposition"].startswith("inline")
    r = fetch(client, f"/attachments/{docx['id']}/file?inline=1")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["Content-Type"] == storage.DOCX
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    html = client.get("/funds/ZY01").get_data(as_text=True)
    assert len(re.findall(r"inline=1", html)) == 1


def test_verify_files_on_an_empty_store_is_clean(runner, ledger):
    result = runner.invoke(args=["verify-files"])
    assert result.exit_code == 0 and "已校验 0 个附件" in result.output


def test_attach_inside_the_service_checks_the_owner(ctx, ledger):
    with unit_of_work("测试"):
        a = attach("project:XM001", "合同", PDF, "../../etc/passwd.pdf")
    assert a.filename == "passwd.pdf" and a.owner == "project:XM001"


def test_the_file_limit_is_a_setting_within_the_request_limit(monkeypatch, tmp_path):
    from fundtrack import config

    monkeypatch.setenv("FUNDTRACK_SECRET_KEY", "t")
    monkeypatch.setenv("FUNDTRACK_MAX_FILE_MB", "5")
    assert config.load(str(tmp_path))["FUNDTRACK_MAX_FILE_BYTES"] == 5 * 1024 * 1024
    monkeypatch.setenv("FUNDTRACK_MAX_FILE_MB", "50")  # above the request limit (20)
    assert config.load(str(tmp_path))["FUNDTRACK_MAX_FILE_BYTES"] == 20 * 1024 * 1024
    monkeypatch.setenv("FUNDTRACK_MAX_FILE_MB", "lots")
    with pytest.raises(ValueError, match="FUNDTRACK_MAX_FILE_MB"):
        config.load(str(tmp_path))
    monkeypatch.delenv("FUNDTRACK_MAX_FILE_MB")
    monkeypatch.setenv("FUNDTRACK_FILES", str(tmp_path / "docs"))
    assert config.load(str(tmp_path))["FUNDTRACK_FILES"] == str(tmp_path / "docs")
    monkeypatch.delenv("FUNDTRACK_FILES")
    assert config.load(str(tmp_path))["FUNDTRACK_FILES"] == str(tmp_path / "files")
