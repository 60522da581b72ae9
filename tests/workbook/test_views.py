"""导入 screens: check before anything is written, every problem shown by sheet, row and
column; confirm writes; wrong files and wrong roles are refused."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement, FundSource
from fundtrack.projects.models import Project
from tests import factories as f
from tests.conftest import csrf_token, login
from tests.workbook.builder import Book


def _book() -> Book:
    b = Book()
    b.add("资金来源", source_code="ZY01", name="中央财政衔接推进乡村振兴补助资金",
          level="中央", category="财政专项扶贫资金", year=2024, amount_issued=1000000)
    b.add("资金到位", source_code="ZY01", arrived_on="2024-02-01", amount=600000)
    b.add("项目", project_code="XM001", name="东村通村道路硬化工程", year=2024,
          township="城关镇", unit="县交通运输局", total_investment=300000)
    b.add("项目", project_code="XM002", name="西村安全饮水工程", year=2024,
          township="李新店镇", unit="县水利局", total_investment=80000)
    b.add("资金安排", project_code="XM001", source_code="ZY01", amount=250000)
    b.add("支出明细", voucher_no="P001", project_code="XM001", source_code="ZY01",
          paid_on="2024-03-01", amount=100000, kind="进度款")
    return b


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, data: bytes, filename: str):
    return client.post("/import/check", data={
        "csrf_token": csrf_token(client, "/import/"),
        "workbook": (io.BytesIO(data), filename),
    }, content_type="multipart/form-data")


def _uploads(app) -> Path:
    return Path(app.instance_path) / "uploads"


@pytest.fixture
def finance(app, client, users):
    login(client, users["finance"])
    return client


def test_a_good_workbook_is_checked_then_confirmed(app, finance, tmp_path):
    path = _book().save(tmp_path / "in.xlsx")
    r = _upload(finance, Path(path).read_bytes(), "台账.xlsx")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "检查通过(未写入)" in html
    assert re.search(r"<td>项目</td><td class=\"num\">2</td>", html)
    assert re.search(r"<td>支出明细</td><td class=\"num\">1</td>", html)
    assert 'data-busy=' in html
    # nothing written by the check
    assert _count(app, Project) == 0 and _count(app, FundSource) == 0
    upload_id = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    assert (_uploads(app) / f"{upload_id}.xlsx").is_file()

    r = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload_id,
        "filename": "台账.xlsx"})
    assert r.status_code == 302
    assert _count(app, Project) == 2 and _count(app, Disbursement) == 1
    assert not (_uploads(app) / f"{upload_id}.xlsx").exists()
    html = finance.get(r.headers["Location"]).get_data(as_text=True)
    assert "已导入" in html and "项目 2 行" in html
    # the same upload cannot be imported twice
    r = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload_id})
    assert r.status_code == 302
    assert "找不到待导入的文件" in finance.get("/import/").get_data(as_text=True)
    assert _count(app, Project) == 2


def test_a_workbook_with_problems_shows_them_all_and_writes_nothing(app, finance, tmp_path):
    b = _book()
    b.add("项目", project_code="XM003", name="南村项目", year=2024, township="城关镇",
          unit="县水利局", total_investment="12.345")
    b.add("支出明细", voucher_no="P002", project_code="XM001", source_code="ZY01",
          paid_on="2024-03-02", amount=900000, kind="进度款")
    path = b.save(tmp_path / "bad.xlsx")
    kept = set(_uploads(app).glob("*.xlsx"))
    r = _upload(finance, Path(path).read_bytes(), "bad.xlsx")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "未写入任何数据" in html
    assert "<th scope=\"col\">工作表</th>" in html and "<th scope=\"col\">问题</th>" in html
    assert re.search(r"<tr><td>项目</td><td class=\"num\">4</td><td>总投资</td>", html)
    assert re.search(r"<tr><td>支出明细</td><td class=\"num\">3</td><td>", html)
    assert "确认导入" not in html
    assert _count(app, Project) == 0 and _count(app, FundSource) == 0
    assert set(_uploads(app).glob("*.xlsx")) == kept  # a refused upload is not kept


def test_confirm_refused_when_the_ledger_changed_meanwhile(app, finance, tmp_path):
    path = _book().save(tmp_path / "in.xlsx")
    html = _upload(finance, Path(path).read_bytes(), "in.xlsx").get_data(as_text=True)
    upload_id = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    with app.app_context(), unit_of_work("别人"):
        f.project("XM002")
    r = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload_id})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "未写入任何数据" in html and "XM002" in html and "已存在" in html
    assert _count(app, Project) == 1 and _count(app, FundSource) == 0


@pytest.mark.parametrize("data, filename, message", [
    (b"project,amount\nXM001,1\n", "ledger.csv", "只能导入 .xlsx"),
    (b"\xd0\xcf\x11\xe0 old excel", "ledger.xls", "只能导入 .xlsx"),
    (b"this is no zip", "ledger.xlsx", "不是有效的 .xlsx 工作簿"),
])
def test_a_file_that_is_no_workbook_is_refused(app, finance, data, filename, message):
    r = _upload(finance, data, filename)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert _count(app, Project) == 0


def test_a_zip_that_is_no_workbook_is_refused(app, finance):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    r = _upload(finance, buf.getvalue(), "fake.xlsx")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "不是有效的 Excel 工作簿" in html and "确认导入" not in html


def test_no_file_chosen(app, finance):
    r = finance.post("/import/check", data={"csrf_token": csrf_token(finance, "/import/")},
                     content_type="multipart/form-data")
    assert r.status_code == 422
    assert "请选择要导入的工作簿" in r.get_data(as_text=True)


def test_too_large_a_file_gets_a_clear_message(app, finance):
    token = csrf_token(finance, "/import/")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    r = finance.post("/import/check", data={
        "csrf_token": token, "workbook": (io.BytesIO(b"x" * 5000), "big.xlsx")},
        content_type="multipart/form-data")
    assert r.status_code == 413
    assert "文件过大" in r.get_data(as_text=True) and "2 KB" in r.get_data(as_text=True)


# Fixed uuids (none is kept): collected alike by every pytest-xdist worker.
@pytest.mark.parametrize("upload", ["../../etc/passwd", "not-a-uuid",
                                    "2b3d8397-3463-4062-b3a8-307750d46d9c",
                                    "5D339A62-B25A-4176-B31E-B6E726979A03", ""])
def test_confirm_needs_a_kept_upload(app, finance, upload):
    r = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload})
    assert r.status_code == 302
    assert "找不到待导入的文件" in finance.get("/import/").get_data(as_text=True)


@pytest.mark.parametrize("role, allowed", [
    ("finance", True), ("admin", True), ("manager", False), ("auditor", False),
    ("viewer", False),
])
def test_only_finance_may_import(app, client, users, role, allowed, tmp_path):
    login(client, users[role])
    assert client.get("/import/").status_code == (200 if allowed else 403)
    token = csrf_token(client, "/")  # every page carries one (the sign-out form)
    path = _book().save(tmp_path / "in.xlsx")
    r = client.post("/import/check", data={
        "csrf_token": token, "workbook": (io.BytesIO(Path(path).read_bytes()), "in.xlsx")},
        content_type="multipart/form-data")
    assert r.status_code == (200 if allowed else 403)
    r = client.post("/import/confirm", data={"csrf_token": token, "upload": str(uuid.uuid4())})
    assert r.status_code == (302 if allowed else 403)
    assert _count(app, Project) == 0


# --- long work: progress outside the request --------------------------------------------


def _slow_rows(monkeypatch, seconds: float):
    """Each row of an import takes ``seconds`` longer, reported one by one."""
    import time

    from fundtrack.workbook import importer

    apply = importer._Import._apply

    def slow(self, row, fn):
        time.sleep(seconds)
        return apply(self, row, fn)

    monkeypatch.setattr(importer._Import, "_apply", slow)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 1)


def _wait_for(client, status_url: str) -> dict:
    import time

    for _ in range(200):
        status = client.get(status_url).get_json()
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError("the job never finished")


def test_a_long_check_shows_its_progress_then_its_result(app, finance, tmp_path,
                                                         monkeypatch):
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    _slow_rows(monkeypatch, 0.2)
    path = _book().save(tmp_path / "in.xlsx")
    r = _upload(finance, Path(path).read_bytes(), "台账.xlsx")
    assert r.status_code == 302
    page_url = r.headers["Location"]
    assert re.fullmatch(r"/import/jobs/[0-9a-f]{32}", page_url)
    html = finance.get(page_url).get_data(as_text=True)
    assert "正在检查:台账.xlsx" in html and "<progress" in html
    assert "js/progress.js" in html and "<script>" not in html
    status = finance.get(f"{page_url}/status").get_json()
    assert status["total"] in (0, 6) and 0 <= status["done"] <= 6
    status = _wait_for(finance, f"{page_url}/status")
    assert status["done"] == status["total"] == 6 and status["seconds_left"] == 0
    html = finance.get(page_url).get_data(as_text=True)
    assert "检查通过(未写入)" in html
    assert _count(app, Project) == 0
    # the result was shown: the job is gone
    assert finance.get(page_url).status_code == 404


def test_a_long_import_writes_then_says_so(app, finance, tmp_path, monkeypatch):
    path = _book().save(tmp_path / "in.xlsx")
    html = _upload(finance, Path(path).read_bytes(), "台账.xlsx").get_data(as_text=True)
    upload_id = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    _slow_rows(monkeypatch, 0.1)
    r = finance.post("/import/confirm", data={
        "csrf_token": csrf_token(finance, "/import/"), "upload": upload_id,
        "filename": "台账.xlsx"})
    page_url = r.headers["Location"]
    assert "正在导入:台账.xlsx" in finance.get(page_url).get_data(as_text=True)
    _wait_for(finance, f"{page_url}/status")
    r = finance.get(page_url)
    assert r.status_code == 302 and r.headers["Location"] == "/import/"
    assert "「台账.xlsx」已导入" in finance.get("/import/").get_data(as_text=True)
    assert _count(app, Project) == 2 and _count(app, Disbursement) == 1
    assert not (_uploads(app) / f"{upload_id}.xlsx").exists()


def test_a_job_is_its_users_alone(app, client, users, tmp_path, monkeypatch):
    login(client, users["finance"])
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    _slow_rows(monkeypatch, 0.05)
    path = _book().save(tmp_path / "in.xlsx")
    page_url = _upload(client, Path(path).read_bytes(), "台账.xlsx").headers["Location"]
    _wait_for(client, f"{page_url}/status")
    other = app.test_client()
    login(other, users["admin"])
    assert other.get(page_url).status_code == 404
    assert other.get(f"{page_url}/status").status_code == 404
    assert client.get("/import/jobs/" + "0" * 32).status_code == 404
    viewer = app.test_client()
    login(viewer, users["viewer"])
    assert viewer.get(f"{page_url}/status").status_code == 403
