"""The auditor's ZIP of a payment's or a project's documents (要件包): every file as
uploaded, a manifest (清单.csv) and SHA256SUMS; a file changed on disk stops it (409 and a
line in the change history)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.conftest import bearer, login

from .samples import JPEG, PDF, PNG
from .test_attachments import fetch, ledger, post  # noqa: F401  (the `ledger` fixture)


def _open(response) -> tuple[zipfile.ZipFile, list[dict]]:
    z = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = z.read("清单.csv").decode("utf-8-sig")
    return z, list(csv.DictReader(io.StringIO(manifest)))


@pytest.fixture
def documents(client, tokens, ledger):  # noqa: F811
    """Two versions of PZ0001's invoice, a photo of XM001, the evidence of XM001's
    finding, a contract of another project (XM002)."""
    f, m = tokens["finance"], tokens["manager"]
    invoice = post(client, f, "disbursement:PZ0001", "发票", PDF, "发票.pdf").get_json()
    fixed = client.post("/api/v1/attachments", headers={"Authorization": f"Bearer {f}"}, data={
        "owner": "disbursement:PZ0001", "kind": "发票", "supersedes": str(invoice["id"]),
        "file": (io.BytesIO(PDF + b"%v2\n"), "发票(更正).pdf")},
        content_type="multipart/form-data").get_json()
    photo = post(client, m, "project:XM001", "公示照片", JPEG, "../../施工前.jpg").get_json()
    other = post(client, f, "project:XM002", "合同", PNG, "别的项目.png").get_json()
    evidence = post(client, m, f"finding:{ledger['finding']}", "整改材料", PNG,
                    "补齐的结算资料.png").get_json()
    return {"invoice": invoice, "fixed": fixed, "photo": photo, "other": other,
            "evidence": evidence, "finding": ledger["finding"]}


def test_a_payments_zip_holds_its_files_and_a_manifest_of_their_hashes(client, users,
                                                                        documents):
    login(client, users["auditor"])
    r = fetch(client, "/attachments/zip/payments/PZ0001")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "filename*=UTF-8''%E8%A6%81%E4%BB%B6_PZ0001.zip" in r.headers["Content-Disposition"]
    z, rows = _open(r)
    inv, fixed = documents["invoice"], documents["fixed"]
    assert [(row["要件类型"], row["文件名"], row["状态"]) for row in rows] == [
        ("发票", "发票.pdf", f"已被 #{fixed['id']} 替换"), ("发票", "发票(更正).pdf", "有效")]
    for row, sent, data in ((rows[0], inv, PDF), (rows[1], fixed, PDF + b"%v2\n")):
        assert z.read(row["包内文件"]) == data
        assert row["SHA-256"] == hashlib.sha256(data).hexdigest() == sent["sha256"]
        assert int(row["大小(字节)"]) == len(data)
        assert row["所属"] == "disbursement:PZ0001" and row["上传人"] == "caizheng"
    # sha256sum -c reads SHA256SUMS
    sums = z.read("SHA256SUMS").decode()
    assert sums == "".join(f"{row['SHA-256']}  {row['包内文件']}\n" for row in rows)
    assert sorted(z.namelist()) == sorted([*(row["包内文件"] for row in rows),
                                           "清单.csv", "SHA256SUMS"])


def test_a_projects_zip_holds_its_own_its_payments_and_its_findings_documents_in_folders(
        client, users, documents):
    login(client, users["manager"])
    page = client.get("/projects/XM001").get_data(as_text=True)
    assert "/attachments/zip/projects/XM001" in page
    z, rows = _open(fetch(client, "/attachments/zip/projects/XM001"))
    finding = f"finding:{documents['finding']}"
    assert [row["所属"] for row in rows] == ["project:XM001", "disbursement:PZ0001",
                                            "disbursement:PZ0001", finding]
    # the rectification's evidence (整改材料) travels with the project
    evidence = rows[3]["包内文件"]
    assert evidence == (f"finding-{documents['finding']}/{documents['evidence']['id']}"
                        "_整改材料_补齐的结算资料.png")
    assert z.read(evidence) == PNG
    # a name given by the uploader never becomes a path
    photo = rows[0]["包内文件"]
    assert photo == f"project-XM001/{documents['photo']['id']}_公示照片_施工前.jpg"
    assert z.read(photo) == JPEG
    assert all(n.startswith("disbursement-PZ0001/") for n in (r["包内文件"] for r in rows[1:3]))
    assert "别的项目.png" not in " ".join(z.namelist())


def test_a_file_changed_on_disk_stops_the_zip_with_a_history_line(app, client, users,
                                                                  documents):
    sha = documents["fixed"]["sha256"]
    path = Path(app.config["FUNDTRACK_FILES"]) / sha[:2] / sha
    path.write_bytes(b"%PDF-1.4 forged")
    login(client, users["auditor"])
    r = fetch(client, "/attachments/zip/payments/PZ0001")
    assert r.status_code == 409
    assert "发票(更正).pdf" in r.get_data(as_text=True)
    assert b"PK\x03\x04" not in r.data
    with app.app_context():
        [line] = db.session.scalars(select(Change).where(Change.action == "mismatch")).all()
        assert line.entity_id == documents["fixed"]["id"] and line.actor == "shenji"
    # the project's ZIP holds that payment's documents: refused too
    assert fetch(client, "/attachments/zip/projects/XM001").status_code == 409
    assert fetch(client, "/attachments/zip/projects/XM002").status_code == 200


def test_who_may_download_a_zip(client, users, documents):
    for role, status in (("viewer", 403), ("finance", 200), ("manager", 200)):
        login(client, users[role])
        assert fetch(client, "/attachments/zip/payments/PZ0001").status_code == status, role
    assert fetch(client, "/attachments/zip/payments/NO-SUCH").status_code == 404
    assert fetch(client, "/attachments/zip/projects/XM999").status_code == 404


def test_a_script_takes_the_same_zips_from_the_api(client, tokens, documents):
    """An auditor's script: GET …/documents.zip with a token, the files as the page
    gives them; errors as JSON."""
    h = bearer(tokens["auditor"])
    r = fetch(client, "/api/v1/disbursements/PZ0001/documents.zip", headers=h)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    z, rows = _open(r)
    assert [row["文件名"] for row in rows] == ["发票.pdf", "发票(更正).pdf"]
    assert z.read(rows[1]["包内文件"]) == PDF + b"%v2\n"
    _, rows = _open(fetch(client, "/api/v1/projects/XM001/documents.zip", headers=h))
    assert [row["所属"] for row in rows][-1] == f"finding:{documents['finding']}"
    for url, message in (("/api/v1/disbursements/NO-SUCH/documents.zip", "NO-SUCH"),
                         ("/api/v1/projects/XM999/documents.zip", "XM999")):
        r = client.get(url, headers=h)
        assert r.status_code == 404 and message in r.get_json()["errors"][0]["message"]
    r = client.get("/api/v1/projects/XM001/documents.zip", headers=bearer(tokens["viewer"]))
    assert r.status_code == 403 and r.is_json


def test_the_apis_zip_of_a_changed_file_is_409_as_json(app, client, tokens, documents):
    sha = documents["photo"]["sha256"]
    (Path(app.config["FUNDTRACK_FILES"]) / sha[:2] / sha).write_bytes(b"not the photo")
    r = client.get("/api/v1/projects/XM001/documents.zip", headers=bearer(tokens["auditor"]))
    assert r.status_code == 409
    assert "施工前.jpg" in r.get_json()["errors"][0]["message"]
    assert fetch(client, "/api/v1/disbursements/PZ0001/documents.zip",
                 headers=bearer(tokens["auditor"])).status_code == 200
