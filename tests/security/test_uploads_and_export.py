"""Uploads are limited in size and must be .xlsx workbooks; text that looks like a formula
is written to the exported workbook as text, never as a formula."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fundtrack import config, create_app
from fundtrack.database import unit_of_work
from fundtrack.enums import PaymentKind
from fundtrack.funds.service import post_disbursement
from fundtrack.projects.service import create_project
from tests.conftest import bearer, csrf_token, login
from tests.factories import D, allocate, arrive, day, source
from tests.workbook.builder import Book

MB = 1024 * 1024


def test_the_upload_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("FUNDTRACK_MAX_UPLOAD_MB", raising=False)
    assert config.load(str(tmp_path))["MAX_CONTENT_LENGTH"] == 20 * MB
    monkeypatch.setenv("FUNDTRACK_MAX_UPLOAD_MB", "1.5")
    assert config.load(str(tmp_path))["MAX_CONTENT_LENGTH"] == 3 * MB // 2
    for bad in ("abc", "0", "-1", "nan", "inf"):
        monkeypatch.setenv("FUNDTRACK_MAX_UPLOAD_MB", bad)
        with pytest.raises(ValueError, match="FUNDTRACK_MAX_UPLOAD_MB"):
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


@pytest.fixture
def finance(app, client, users):
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    login(client, users["finance"])
    return client


def _upload(client, data: bytes, filename: str):
    return client.post("/import/check", data={
        "csrf_token": csrf_token(client, "/import/"),
        "workbook": (io.BytesIO(data), filename),
    }, content_type="multipart/form-data")


def test_a_workbook_above_the_limit_gets_413_with_the_limit_in_chinese(finance):
    # the body built in memory (the test client would spool one this large to a file)
    boundary, body = encode_multipart({
        "csrf_token": csrf_token(finance, "/import/"),
        "workbook": FileStorage(io.BytesIO(b"x" * (MB + 1)), "big.xlsx")})
    r = finance.post("/import/check", data=body,
                     content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 413
    assert "文件过大:上传的工作簿不能超过 1 MB" in r.get_data(as_text=True)


def test_a_workbook_just_under_the_limit_is_read(finance, tmp_path):
    book = Book()
    book.add("资金来源", source_code="ZY01", name="中央资金", level="中央",
             category="其他", year=2025, amount_issued="100.00")
    with open(book.save(tmp_path / "in.xlsx"), "rb") as f:
        data = f.read()
    assert len(data) < MB
    r = _upload(finance, data, "in.xlsx")
    assert r.status_code == 200 and "检查通过" in r.get_data(as_text=True)


def test_the_api_answers_413_in_json(app, client, tokens):
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    r = client.post("/api/v1/disbursements", data=b"{" + b" " * MB + b"}",
                    content_type="application/json", headers=bearer(tokens["finance"]))
    assert r.status_code == 413
    assert r.get_json() == {"errors": [{"field": None, "message": "上传内容过大"}]}


def _real_xlsx(tmp_path) -> bytes:
    book = Book()
    book.add("资金来源", source_code="ZY01", name="中央资金", level="中央",
             category="其他", year=2025, amount_issued="100.00")
    with open(book.save(tmp_path / "in.xlsx"), "rb") as f:
        return f.read()


def test_only_xlsx_workbooks_are_accepted(finance, tmp_path):
    good = _real_xlsx(tmp_path)
    for name in ("台账.xls", "台账.csv", "台账.xlsx.exe", "台账"):
        r = _upload(finance, good, name)
        assert r.status_code == 422 and "只能导入 .xlsx 格式" in r.get_data(as_text=True), name
    r = _upload(finance, "项目编号,项目名称\n".encode(), "台账.xlsx")
    assert r.status_code == 422 and "不是有效的 .xlsx 工作簿" in r.get_data(as_text=True)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    r = _upload(finance, docx.getvalue(), "台账.xlsx")
    assert "不是有效的 Excel 工作簿" in r.get_data(as_text=True)


FORMULAS = ["=SUM(A1:A2)", "+1", "@cmd", "-2+3", "=HYPERLINK(\"http://evil\",\"点我\")",
            "=cmd|' /C calc'!A0", "http://example.com"]


def _county_of_formulas(app):
    with app.app_context(), unit_of_work("测试"):
        src = source("ZY01", "1000000.00", name=FORMULAS[0])
        arrive(src, "500000.00", "2025-03-01")
        for i, text in enumerate(FORMULAS):
            prj = create_project(code=f"XM{i:03d}", name=text, year=2025, township=text,
                                 unit=text, total_investment=D("1000.00"), category=text,
                                 village=text, responsible_person=text, phone=text,
                                 scope=text)
            allocate(prj, src, "1000.00", "2025-03-02")
            post_disbursement(voucher_no=f"PZ{i:03d}", project=prj, source=src,
                              paid_on=day("2025-03-05"), amount=D("10.00"),
                              kind=PaymentKind.PROGRESS, payee=text, memo=text)


def test_formula_like_text_is_exported_as_text(app, client, tokens):
    _county_of_formulas(app)
    r = client.get("/api/v1/export.xlsx?as_of=2025-06-30", headers=bearer(tokens["auditor"]))
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.get_data()))
    seen = set()
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in FORMULAS:
                    assert cell.data_type == "s"
                    seen.add((ws.title, cell.value))
    for sheet in ("项目", "支出明细", "项目台账"):
        assert {v for s, v in seen if s == sheet} == set(FORMULAS), sheet
    names = [r[1].value for r in book["项目"].iter_rows(min_row=2)]
    assert names == FORMULAS  # read back exactly as typed
    assert not book["项目"]._hyperlinks  # a URL stays text, not a link
