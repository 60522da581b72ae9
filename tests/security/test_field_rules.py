"""One rule per entered field, the same in forms, API, import and command line (issue 14,
items 5, 6, 12, 15): lengths from the model columns, look-alike codes and names
normalised to the one they copy, code characters that keep a page reachable, free text
capped. (Item 13, amounts: test_amounts.py.)"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.fields import FIELDS, NOTE_MAX, SCOPE_MAX
from fundtrack.funds.models import Disbursement, FundSource
from fundtrack.projects.models import Project, Unit
from fundtrack.workbook.importer import import_workbook
from tests.conftest import bearer, csrf_token, login
from tests.factories import allocate, arrive, pay, project, source
from tests.workbook.builder import Book

ZWSP = "\u200b"


@pytest.fixture
def county(app, tokens):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00")
        arrive(zy, "300000.00", "2024-03-01")
        p1 = project("XM001", unit="县交通运输局")
        allocate(p1, zy, "200000.00")
        pay("2026-0001", p1, zy, "100.00", "2024-03-05")
    return tokens


def post_payment(client, token, **fields):
    body = {"voucher_no": "PZ9", "project_code": "XM001", "source_code": "ZY01",
            "paid_on": "2024-03-10", "amount": "10.00", "kind": "进度款", **fields}
    return client.post("/api/v1/disbursements", headers=bearer(token), json=body)


def count(model) -> int:
    n = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return n


# --- item 5: lengths ----------------------------------------------------------------

def test_the_lengths_come_from_the_model_columns():
    assert FIELDS["voucher_no"].max_length == Disbursement.voucher_no.type.length == 50
    assert FIELDS["payee"].max_length == Disbursement.payee.type.length == 200
    assert FIELDS["unit"].max_length == Unit.name.type.length
    assert FIELDS["project_code"].max_length == Project.code.type.length


@pytest.mark.parametrize("field, value", [("voucher_no", "P" * 51), ("payee", "某" * 201)])
def test_the_api_answers_422_naming_a_field_too_long(app, client, county, field, value):
    reply = post_payment(client, county["finance"], **{field: value})
    assert reply.status_code == 422, reply.get_data(as_text=True)
    [error] = reply.get_json()["errors"]
    assert error["field"] == field and "超过上限" in error["message"]
    with app.app_context():
        assert count(Disbursement) == 1


def test_at_the_limit_the_api_stores_it_and_the_import_takes_it_back(app, client, county):
    reply = post_payment(client, county["finance"], voucher_no="P" * 50, payee="某" * 200)
    assert reply.status_code == 201, reply.get_data(as_text=True)


def test_the_payment_form_refuses_a_long_payee_on_its_field(app, client, county, users):
    login(client, users["finance"])
    reply = client.post("/funds/payments/new", data={
        "csrf_token": csrf_token(client, "/funds/payments/new"), "project_code": "XM001",
        "source_code": "ZY01", "voucher_no": "PZ9", "paid_on": "2024-03-10",
        "amount": "10.00", "kind": "progress", "payee": "某" * 201})
    assert reply.status_code == 422
    assert "收款单位不能超过 200 个字符" in reply.get_data(as_text=True)


# --- item 6: look-alikes ------------------------------------------------------------

@pytest.mark.parametrize("voucher", ["２０２６-０００１", f"2026-{ZWSP}0001", " 2026-0001\u3000"])
def test_a_look_alike_voucher_is_the_same_voucher(app, client, county, voucher):
    reply = post_payment(client, county["finance"], voucher_no=voucher)
    assert reply.status_code == 409, reply.get_data(as_text=True)
    assert "凭证号「2026-0001」已存在" in reply.get_json()["errors"][0]["message"]


def test_a_look_alike_project_code_names_the_project(app, client, county):
    reply = post_payment(client, county["finance"], project_code=f"XM{ZWSP}００1",
                         voucher_no="PZ１０")
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert reply.get_json()["project_code"] == "XM001"
    assert reply.get_json()["voucher_no"] == "PZ10"


def test_look_alike_codes_and_units_in_a_workbook_are_duplicates(app, county, tmp_path):
    book = Book()
    book.add("项目", project_code=f"XM001{ZWSP}", name="重复项目", year=2024,
             township="城关镇", unit="县交通运输局", total_investment="1.00")
    book.add("项目", project_code="XM002", name="新项目", year=2024, township="城关镇",
             unit=f"县交通{ZWSP}运输局 ", total_investment="1.00")
    book.add("资金来源", source_code="ＺＹ０１", name="重复渠道", level="中央",
             category="其他", year=2024, amount_issued="1.00")
    with app.app_context():
        report = import_workbook(book.save(tmp_path / "look.xlsx"), actor="测试", dry_run=True)
        assert sorted(p.message for p in report.problems) == [
            "资金来源编号「ZY01」已存在", "项目编号「XM001」已存在"]
        book.rows["项目"].pop(0)
        book.rows.pop("资金来源")
        report = import_workbook(book.save(tmp_path / "ok.xlsx"), actor="测试")
        assert report.ok, report.problems
        assert count(Unit) == 1  # 县交通运输局 once, not a look-alike second unit
        assert db.session.scalar(select(Project.unit_id).where(Project.code == "XM002")) \
            == db.session.scalar(select(Unit.id))


def test_the_command_line_finds_the_unit_through_a_look_alike(app, county):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zhang", "--role", "manager", "--unit",
                                 f"县交通运输局{ZWSP}", "--password-stdin"],
                           input="correct horse 2024\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Unit) == 1


# --- item 12: code characters -------------------------------------------------------

@pytest.mark.parametrize("code", ["ZY/02", "ZY 02", "ZY?02", "../ZY", "ZY#1", "ZY%2F1"])
def test_a_channel_code_that_no_page_could_name_is_refused(app, client, county, users, code):
    login(client, users["finance"])
    reply = client.post("/funds/new", data={
        "csrf_token": csrf_token(client, "/funds/new"), "source_code": code, "name": "渠道",
        "level": "central", "category": "other", "year": "2024", "amount_issued": "1"})
    assert reply.status_code == 422
    assert "编号只能由字母、数字、汉字和 - _ . 组成" in reply.get_data(as_text=True)
    with app.app_context():
        assert count(FundSource) == 1


@pytest.mark.parametrize("code", ["ZY-02", "ZY_02.1", "县级02", "２０２４ＺＹ"])
def test_codes_of_letters_digits_and_dash_underscore_dot_have_their_page(
        app, client, county, users, code):
    login(client, users["finance"])
    reply = client.post("/funds/new", data={
        "csrf_token": csrf_token(client, "/funds/new"), "source_code": code, "name": "渠道",
        "level": "central", "category": "other", "year": "2024", "amount_issued": "1"})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    assert client.get(reply.headers["Location"]).status_code == 200


def test_the_import_refuses_a_project_code_with_a_slash(app, county, tmp_path):
    book = Book()
    book.add("项目", project_code="XM/9", name="项目", year=2024, township="城关镇",
             unit="县水利局", total_investment="1.00")
    with app.app_context():
        report = import_workbook(book.save(tmp_path / "slash.xlsx"), actor="测试")
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("项目", 2, "项目编号")]
    assert "「/」" in report.problems[0].message


# --- item 15: free text -------------------------------------------------------------

def test_a_huge_note_in_a_workbook_is_a_row_error_not_stored(app, county, tmp_path):
    book = Book()
    book.add("资金到位", source_code="ZY01", arrived_on="2024-04-01", amount="1.00",
             note="注" * 30_000)
    book.add("项目", project_code="XM009", name="项目", year=2024, township="城关镇",
             unit="县水利局", total_investment="1.00", scope="建" * (SCOPE_MAX + 1))
    path = book.save(tmp_path / "note.xlsx")
    assert os.path.getsize(path) < 200_000
    with app.app_context():
        report = import_workbook(path, actor="测试")
    assert [(p.sheet, p.row, p.column, p.message) for p in report.problems] == [
        ("资金到位", 2, "备注", f"长度为 30000 个字符,超过上限 {NOTE_MAX} 个字符"),
        ("项目", 2, "建设内容", f"长度为 {SCOPE_MAX + 1} 个字符,超过上限 {SCOPE_MAX} 个字符"),
    ]


def test_the_api_caps_a_memo_and_a_milestone_note(app, client, county):
    reply = post_payment(client, county["finance"], memo="摘" * (NOTE_MAX + 1))
    assert reply.status_code == 422 and reply.get_json()["errors"][0]["field"] == "memo"
    reply = client.put("/api/v1/projects/XM001/milestones/开工",
                       headers=bearer(county["admin"]), json={"note": "备" * (NOTE_MAX + 1)})
    assert reply.status_code == 422 and reply.get_json()["errors"][0]["field"] == "note"
