"""Import: a sound workbook is added whole; a broken one is refused whole, with one line
per problem naming sheet, Excel row, column and reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from fundtrack.history.models import Change
from fundtrack.milestones.models import Milestone
from fundtrack.projects.models import Project
from fundtrack.workbook.importer import import_workbook
from tests import factories as f
from tests.workbook.builder import Book, county
from tests.workbook.readback import table_counts


def run(book: Book, tmp_path, dry_run=False):
    return import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员", dry_run=dry_run)


def where(report):
    """The problems as (sheet, row, column) triples."""
    return [(p.sheet, p.row, p.column) for p in report.problems]


def only_problem(report):
    assert len(report.problems) == 1, [str(p) for p in report.problems]
    return report.problems[0]


# --- a sound workbook -------------------------------------------------------------------


def test_sound_workbook_is_added_through_the_services(ctx, tmp_path):
    report = run(county(), tmp_path)
    assert report.problems == []
    assert report.counts == {"资金来源": 2, "资金到位": 2, "项目": 2, "资金安排": 3,
                             "支出明细": 4, "项目节点": 3}
    assert report.summary() == ("已导入:资金来源 2 行,资金到位 2 行,项目 2 行,资金安排 3 行,"
                                "支出明细 4 行,项目节点 3 行。")
    db.session.rollback()  # read what was committed
    src = db.session.scalar(select(FundSource).where(FundSource.code == "SJ01"))
    assert src.amount_issued == f.D("500000.00") and src.issued_on == dt.date(2024, 2, 1)
    arrival = db.session.scalar(select(FundArrival).where(FundArrival.source_id == src.id))
    assert arrival.amount == f.D("200000.50") and arrival.arrived_on == dt.date(2024, 3, 1)
    xm1 = db.session.scalar(select(Project).where(Project.code == "XM001"))
    assert xm1.priority is True and xm1.unit.name == "县交通运输局" and xm1.phone == "03961234567"
    reversal = db.session.scalar(select(Disbursement).where(Disbursement.voucher_no == "PZ0003"))
    assert reversal.kind == PaymentKind.REVERSAL and reversal.reverses.voucher_no == "PZ0002"
    accepted = db.session.scalar(select(Milestone).where(Milestone.kind == MilestoneKind.ACCEPTED))
    assert accepted.done_on == dt.date(2024, 5, 10)
    actors = set(db.session.scalars(select(Change.actor)))
    assert actors == {"导入员"}


def test_cli_import_exits_0_and_prints_the_summary(runner, tmp_path):
    path = county().save(tmp_path / "in.xlsx")
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "已导入:资金来源 2 行" in result.output


def test_cli_import_shows_a_progress_line_on_a_terminal_only(runner, tmp_path, monkeypatch):
    from fundtrack import cli

    path = county().save(tmp_path / "in.xlsx")
    quiet = runner.invoke(args=["import", path, "--dry-run"])
    assert quiet.exit_code == 0 and "正在检查" not in quiet.stderr  # not a terminal
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    monkeypatch.setattr(cli._Progress, "AFTER", 0)  # the county is done within a second
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    lines = result.stderr.split("\r")
    assert "正在导入:0 / " in lines[1]
    assert re.search(r"正在导入:(\d+) / \1 行\(100%\),预计还需 0 秒", lines[-1])
    assert "已导入:资金来源 2 行" in result.stdout


def test_dry_run_checks_everything_and_writes_nothing(ctx, tmp_path, runner):
    before = table_counts()
    report = run(county(), tmp_path, dry_run=True)
    assert report.problems == [] and report.counts["支出明细"] == 4
    assert report.summary(dry_run=True).startswith("检查通过(未写入):资金来源 2 行")
    assert table_counts() == before
    result = runner.invoke(args=["import", str(tmp_path / "in.xlsx"), "--dry-run"])
    assert result.exit_code == 0 and "检查通过(未写入)" in result.output
    assert table_counts() == before


# --- the invariants, refused through the importer ----------------------------------------


def test_payment_beyond_allocation(ctx, tmp_path):
    book = county()
    row = book.add("支出明细", voucher_no="PZ0005", project_code="XM002", source_code="SJ01",
                   paid_on="2024-05-21", amount=20000.01, kind="进度款")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", row, "支付金额")
    assert p.message.startswith("超出安排资金") and "20,000.00 元" in p.message
    assert str(p).startswith(f"支出明细 第{row}行 支付金额:超出安排资金")


def test_payment_ahead_of_arrivals(ctx, tmp_path):
    book = county()
    # SJ01's money arrives on 2024-03-01 only
    row = book.add("支出明细", voucher_no="PZ0005", project_code="XM001", source_code="SJ01",
                   paid_on="2024-02-29", amount=100, kind="预付款")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", row, "支付金额")
    assert "超出到位资金" in p.message


def test_allocations_beyond_amount_issued(ctx, tmp_path):
    book = county()
    row = book.add("资金安排", project_code="XM002", source_code="ZY01", amount=750000.01)
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("资金安排", row, "安排金额")
    assert "超过下达金额" in p.message and "1,000,000.00 元" in p.message


def test_payment_before_its_allocation_in_the_same_workbook(ctx, tmp_path):
    book = county()
    book.add("资金安排", project_code="XM002", source_code="ZY01", amount=10000,
             allocated_on="2024-09-16")
    row = book.add("支出明细", voucher_no="PZ0005", project_code="XM002", source_code="ZY01",
                   paid_on="2024-03-10", amount=10000, kind="进度款")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", row, "支付金额")
    assert p.message == ("超出安排资金:项目「XM002」在资金来源「ZY01」截至 2024-03-10 及其后"
                         "可用的安排资金为 0.00 元,本次支付 10,000.00 元")


def test_payment_before_an_allocation_the_database_holds(ctx, tmp_path):
    src = f.source("ZY01")
    f.arrive(src, "100000.00", "2024-03-01")
    prj = f.project("XM001")
    f.allocate(prj, src, "60000.00")
    f.allocate(prj, src, "40000.00", "2024-09-16")
    db.session.commit()
    book = Book()
    book.add("支出明细", voucher_no="PZ1", project_code="XM001", source_code="ZY01",
             paid_on="2024-03-10", amount=60000, kind="进度款")
    row = book.add("支出明细", voucher_no="PZ2", project_code="XM001", source_code="ZY01",
                   paid_on="2024-04-10", amount=0.01, kind="进度款")
    book.add("支出明细", voucher_no="PZ3", project_code="XM001", source_code="ZY01",
             paid_on="2024-09-16", amount=40000, kind="进度款")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", row, "支付金额")
    assert "截至 2024-04-10 及其后可用的安排资金为 0.00 元" in p.message


def test_dated_reduction_below_what_was_paid_by_then(ctx, tmp_path):
    """XM001 × ZY01: 250,000 allocated 02-15 and 100,000 paid on 03-05. A reduction of
    150,000.01 dated 03-01 leaves too little for that payment: the workbook is refused at
    the payment, which the import applies after the allocations."""
    book = county()
    book.add("资金安排", project_code="XM001", source_code="ZY01", amount=-150000.01,
             allocated_on="2024-03-01")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", 2, "支付金额")
    assert p.message == ("超出安排资金:项目「XM001」在资金来源「ZY01」截至 2024-03-05 及其后"
                         "可用的安排资金为 99,999.99 元,本次支付 100,000.00 元")


def test_actual_date_after_today(ctx, tmp_path):
    book = county()
    row = book.add("项目节点", project_code="XM001", milestone="完工", done_on="2099-01-01")
    book.add("项目节点", project_code="XM001", milestone="验收", planned_on="2099-01-01")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("项目节点", row, "实际日期")
    assert p.message.startswith("「完工」的实际日期 2099-01-01 晚于今天")


def test_reduction_below_what_the_database_has_paid(ctx, tmp_path):
    src = f.source("ZY01")
    f.arrive(src, "100000.00", "2024-03-01")
    prj = f.project("XM001")
    f.allocate(prj, src, "100000.00")
    f.pay("PZ1", prj, src, "70000.00", "2024-03-02")
    db.session.commit()
    book = Book()
    row = book.add("资金安排", project_code="XM001", source_code="ZY01", amount=-30000.01)
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("资金安排", row, "安排金额")
    assert "可调减的安排资金为 30,000.00 元,本次调减 30,000.01 元" in p.message


@pytest.mark.parametrize("change, column, words", [
    ({"amount": -100000.01, "reverses": "PZ0001"}, "支付金额", "可冲销的余额 100,000.00"),
    ({"paid_on": "2024-03-04", "reverses": "PZ0001"}, "支付日期", "早于原凭证"),
    ({"memo": None, "reverses": "PZ0001"}, "摘要", "原因"),
    ({"reverses": None}, "冲销凭证号", "须填写被冲销的凭证号"),
    ({"reverses": "PZ9999"}, "冲销凭证号", "凭证号「PZ9999」不存在"),
    ({"reverses": "PZ0003"}, "冲销凭证号", "本身是冲销凭证"),
    ({"reverses": "PZ0004"}, "冲销凭证号", "须与原凭证「PZ0004」一致"),
])
def test_reversal_rules(ctx, tmp_path, change, column, words):
    book = county()
    values = dict(voucher_no="CX01", project_code="XM001", source_code="ZY01",
                  paid_on="2024-06-01", amount=-100, kind="冲销", memo="重复支付")
    values.update(change)
    row = book.add("支出明细", **values)
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("支出明细", row, column)
    assert words in p.message


def test_settlement_is_checked_against_the_milestones_of_the_same_workbook(ctx, tmp_path):
    book = county()  # XM002's 验收 is done on 2024-05-10 in its 项目节点 sheet
    early = book.add("支出明细", voucher_no="JS01", project_code="XM002", source_code="SJ01",
                     paid_on="2024-05-09", amount=100, kind="结算款")
    never = book.add("支出明细", voucher_no="JS02", project_code="XM001", source_code="ZY01",
                     paid_on="2024-06-01", amount=100, kind="结算款")
    report = run(book, tmp_path)
    assert where(report) == [("支出明细", early, "支付类型"), ("支出明细", never, "支付类型")]
    assert "验收日期为 2024-05-10" in report.problems[0].message
    assert "尚未验收" in report.problems[1].message


def test_milestone_dates_going_backwards(ctx, tmp_path):
    book = county()  # XM001 开工 on 2024-03-20
    row = book.add("项目节点", project_code="XM001", milestone="完工", done_on="2024-03-19")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("项目节点", row, "实际日期")
    assert "早于前序节点「开工」" in p.message


def test_acceptance_may_not_move_after_a_settlement_in_the_database(ctx, tmp_path):
    assert run(county(), tmp_path).problems == []
    book = Book()
    row = book.add("项目节点", project_code="XM002", milestone="验收", done_on="2024-05-21")
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == ("项目节点", row, "实际日期")
    assert "结算款" in p.message


# --- every problem at once, nothing written -------------------------------------------


def broken_county() -> tuple[Book, list]:
    """A county with one problem in each of five sheets."""
    book = county()
    expected = [
        ("资金来源", book.add("资金来源", source_code="ZY01", name="重复", level="中央",
                              category="其他", year=2024, amount_issued=1), "资金来源编号"),
        ("资金到位", book.add("资金到位", source_code="ZY01", arrived_on="2024-02-30",
                              amount=1), "到位日期"),
        ("项目", book.add("项目", project_code="XM003", name="新项目", year=2024,
                          township="城关镇", unit="县农业农村局", total_investment=1.005),
         "总投资"),
        ("资金安排", book.add("资金安排", project_code="XM404", source_code="ZY01", amount=1),
         "项目编号"),
        ("支出明细", book.add("支出明细", voucher_no="PZ0001", project_code="XM001",
                              source_code="ZY01", paid_on="2024-06-01", amount=1,
                              kind="进度款"), "凭证号"),
    ]
    return book, expected


def test_several_problems_in_several_sheets_are_all_reported_and_nothing_is_written(
        ctx, tmp_path):
    before = table_counts()
    book, expected = broken_county()
    report = run(book, tmp_path)
    assert where(report) == expected
    messages = [str(p) for p in report.problems]
    assert messages[0] == "资金来源 第4行 资金来源编号:资金来源编号「ZY01」已存在"
    assert "「2024-02-30」不是有效日期" in messages[1]
    assert "超过两位小数" in messages[2]
    assert "项目编号「XM404」不存在" in messages[3]
    assert "凭证号「PZ0001」已存在" in messages[4]
    assert table_counts() == before  # change history included


def test_cli_import_of_a_broken_workbook_exits_1_listing_every_problem(runner, app, tmp_path):
    book, expected = broken_county()
    path = book.save(tmp_path / "in.xlsx")
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 1
    for sheet, row, column in expected:
        assert f"{sheet} 第{row}行 {column}:" in result.stderr
    assert "共 5 处问题,未写入任何数据。" in result.stderr
    with app.app_context():
        assert sum(table_counts().values()) == 0


# --- unreadable cells ---------------------------------------------------------------


@pytest.mark.parametrize("sheet, change, column, words", [
    ("资金到位", {"amount": 100.125}, "到位金额", "超过两位小数"),
    ("资金到位", {"amount": "1,000.001"}, "到位金额", "超过两位小数"),
    ("资金到位", {"amount": "一百元"}, "到位金额", "不是有效金额"),
    ("资金到位", {"arrived_on": "2024.3.5"}, "到位日期", "不是有效日期"),
    ("资金到位", {"arrived_on": 45356}, "到位日期", "不是有效日期"),
    ("资金到位", {"arrived_on": None}, "到位日期", "必填"),
    ("资金到位", {"source_code": "  "}, "资金来源编号", "必填"),
    ("项目节点", {"milestone": "竣工"}, "节点", "「竣工」不是有效值,应为:立项入库、"),
    ("支出明细", {"kind": "工程款"}, "支付类型", "「工程款」不是有效值"),
    ("项目", {"priority": "可能"}, "重点村", "应为“是”或“否”"),
    ("资金来源", {"year": "明年"}, "年度", "「明年」不是有效年度"),
    ("资金来源", {"level": None}, "资金级次", "必填"),
    ("项目", {"phone": "1" * 31}, "联系电话", "超过上限 30 个字符"),
])
def test_unreadable_cell(ctx, tmp_path, sheet, change, column, words):
    book = county()
    base = {
        "资金到位": dict(source_code="ZY01", arrived_on="2024-06-01", amount=1),
        "项目节点": dict(project_code="XM002", milestone="完工"),
        "支出明细": dict(voucher_no="PZ0009", project_code="XM001", source_code="ZY01",
                     paid_on="2024-06-01", amount=1, kind="进度款"),
        "项目": dict(project_code="XM009", name="某项目", year=2024, township="城关镇",
                   unit="县水利局", total_investment=1),
        "资金来源": dict(source_code="ZY09", name="某资金", level="县级", category="其他",
                     year=2024, amount_issued=1),
    }[sheet]
    row = book.add(sheet, **{**base, **change})
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column) == (sheet, row, column)
    assert words in p.message


def test_duplicate_codes_within_the_workbook(ctx, tmp_path):
    book = county()
    src = book.add("资金来源", source_code="SJ01", name="又一笔", level="省级", category="其他",
                   year=2024, amount_issued=1)
    prj = book.add("项目", project_code="XM002", name="又一个", year=2024, township="城关镇",
                   unit="县水利局", total_investment=1)
    ms = book.add("项目节点", project_code="XM001", milestone="开工", done_on="2024-03-21")
    report = run(book, tmp_path)
    assert where(report) == [("资金来源", src, "资金来源编号"), ("项目", prj, "项目编号"),
                             ("项目节点", ms, "节点")]
    assert "「SJ01」已存在" in report.problems[0].message
    assert report.problems[2].message == "项目「XM001」的节点「开工」与第3行重复"


def test_missing_required_column_is_one_problem(ctx, tmp_path):
    book = county()
    book.headers("资金到位", ["资金来源编号", "到位日期", "备注"])  # no 到位金额
    report = run(book, tmp_path)
    assert [str(p) for p in report.problems if p.sheet == "资金到位"] == [
        "资金到位 第1行 到位金额:缺少必填列「到位金额」"
    ]
    # without the arrivals, the payments run ahead of the money: said too, at their rows
    assert {p.sheet for p in report.problems} == {"资金到位", "支出明细"}


def test_a_row_referring_to_a_broken_row_says_so(ctx, tmp_path):
    book = county()
    bad = book.add("资金来源", source_code="XJ01", name="县级资金", level="县级",
                   category="其他", year=2024, amount_issued="很多")
    ref = book.add("资金到位", source_code="XJ01", arrived_on="2024-03-01", amount=1)
    report = run(book, tmp_path)
    assert where(report) == [("资金来源", bad, "下达金额"), ("资金到位", ref, "资金来源编号")]
    assert report.problems[1].message == (
        f"资金来源编号「XJ01」在「资金来源」第{bad}行,该行有误,未能导入"
    )


# --- what is accepted -------------------------------------------------------------------


def test_date_spellings_and_date_cells_are_all_accepted(ctx, tmp_path):
    book = Book()
    spellings = [dt.date(2024, 3, 5), dt.datetime(2024, 3, 5), "2024-03-05", "2024/3/5",
                 "2024年3月5日", " 2024-3-5 "]
    book.add("资金来源", source_code="ZY01", name="资金", level="中央", category="其他",
             year="2024", amount_issued=100)
    for i, when in enumerate(spellings):
        book.add("资金到位", source_code="ZY01", arrived_on=when, amount=i + 1)
    assert run(book, tmp_path).problems == []
    days = set(db.session.scalars(select(FundArrival.arrived_on)))
    assert days == {dt.date(2024, 3, 5)}


def test_english_keys_as_headers_extra_columns_and_sheets_are_accepted(ctx, tmp_path):
    book = county()
    book.headers("资金安排", ["project_code", "source_code", "amount", "审核人"])  # no 安排日期
    book.rows["资金安排"][0]["审核人"] = "李四"
    book.sheet("项目台账", [["测试县 项目台账"], ["项目编号"], ["XM999"]])
    book.sheet("说明", [["随便写点什么"]])
    report = run(book, tmp_path)
    assert report.problems == [] and report.counts["资金安排"] == 3
    assert db.session.scalar(select(Allocation.allocated_on).where(Allocation.amount > 200000)) \
        is None


def test_warnings_do_not_refuse(ctx, tmp_path, app):
    book = county()
    # XM001 (30万 > 招标限额 10万) tendered on 2024-03-01: a payment on 02-29 is questioned
    row = book.add("支出明细", voucher_no="PZ0005", project_code="XM001", source_code="ZY01",
                   paid_on="2024-02-29", amount=1000, kind="预付款")
    # ZY01 was issued on 2024-01-10: money arriving before is questioned
    early = book.add("资金到位", source_code="ZY01", arrived_on="2024-01-09", amount=1)
    report = run(book, tmp_path)
    assert report.problems == []
    assert f"支出明细 第{row}行:项目总投资 300,000.00 元超过招标限额" in report.warnings[1]
    assert report.warnings[0] == f"资金到位 第{early}行:到位日期 2024-01-09 早于下达日期 2024-01-10"
    assert db.session.scalar(select(Disbursement.id).where(Disbursement.voucher_no == "PZ0005"))


def test_arrivals_beyond_what_was_issued_are_questioned_on_import(ctx, tmp_path):
    """What the database holds and the workbook's rows add up: the row that goes over
    what the channel issued is questioned, and the workbook still loads."""
    src = f.source("ZY01", "100.00")
    f.arrive(src, "60.00", "2024-03-01")
    db.session.commit()
    book = Book()
    book.add("资金到位", source_code="ZY01", arrived_on="2024-03-02", amount=40)
    over = book.add("资金到位", source_code="ZY01", arrived_on="2024-03-03", amount=100000)
    report = run(book, tmp_path)
    assert report.problems == []
    assert report.warnings == [f"资金到位 第{over}行:累计到位 100,100.00 元,超过下达金额 "
                               "100.00 元(请核对到位金额或下达金额)"]


def test_a_wrong_payment_reversed_and_reentered_on_the_same_day(ctx, tmp_path):
    """Within a day rows apply in the sheet's order; a reversal listed before its payment
    waits for it."""
    book = Book()
    book.add("资金来源", source_code="ZY01", name="资金", level="中央", category="其他",
             year=2024, amount_issued=100)
    book.add("资金到位", source_code="ZY01", arrived_on="2024-03-01", amount=100)
    book.add("项目", project_code="XM1", name="项目", year=2024, township="城关镇",
             unit="县水利局", total_investment=100)
    book.add("资金安排", project_code="XM1", source_code="ZY01", amount=100)
    common = dict(project_code="XM1", source_code="ZY01", paid_on="2024-03-02")
    book.add("支出明细", voucher_no="C1", amount=-100, kind="冲销", reverses="P1",
             memo="录错", **common)
    book.add("支出明细", voucher_no="P1", amount=100, kind="进度款", **common)
    book.add("支出明细", voucher_no="P2", amount=100, kind="进度款", **common)
    assert run(book, tmp_path).problems == []


def test_money_freed_by_a_reduction_can_be_allocated_elsewhere(ctx, tmp_path):
    """A channel of 100: A gets 100, gives back 50, B gets 50, whatever the rows' order."""
    book = Book()
    book.add("资金来源", source_code="ZY01", name="资金", level="中央", category="其他",
             year=2024, amount_issued=100)
    for code in ("A", "B"):
        book.add("项目", project_code=code, name=code, year=2024, township="城关镇",
                 unit="县水利局", total_investment=100)
    book.add("资金安排", project_code="B", source_code="ZY01", amount=50)
    book.add("资金安排", project_code="A", source_code="ZY01", amount=-50)
    book.add("资金安排", project_code="A", source_code="ZY01", amount=100)
    assert run(book, tmp_path).problems == []


def test_leading_zeros_and_number_cells_in_code_columns(ctx, tmp_path):
    book = Book()
    book.add("资金来源", source_code="00123", name="资金", level="中央", category="其他",
             year=2024, amount_issued=100)
    book.add("资金来源", source_code=456, name="资金", level="中央", category="其他",
             year=2024.0, amount_issued=100)
    assert run(book, tmp_path).problems == []
    assert set(db.session.scalars(select(FundSource.code))) == {"00123", "456"}


# --- files that are no ledger workbook ---------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_one_problem(ctx, tmp_path, runner):
    path = tmp_path / "ledger.xlsx"
    path.write_text("项目编号,项目名称\nXM1,道路\n", encoding="utf-8")
    report = import_workbook(str(path), actor="x")
    assert [str(p) for p in report.problems] == [
        "无法读取文件「ledger.xlsx」:不是有效的 Excel 工作簿(.xlsx;旧版 .xls 请先另存为 .xlsx)"
    ]
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_workbook_without_any_data_sheet_is_one_problem(ctx, tmp_path):
    book = Book()
    book.sheet("Sheet1", [["项目编号"], ["XM1"]])
    report = run(book, tmp_path)
    assert len(report.problems) == 1
    assert "没有可导入的工作表" in report.problems[0].message


def test_blank_rows_are_skipped_but_keep_the_row_numbers(ctx, tmp_path):
    book = county()
    book.blank("项目")
    row = book.add("项目", project_code="XM003", name="某项目", year=2024, township="城关镇",
                   unit="县水利局", total_investment=-1)
    assert row == 5
    p = only_problem(run(book, tmp_path))
    assert (p.sheet, p.row, p.column, p.message) == ("项目", 5, "总投资", "总投资不能为负数")


def test_import_adds_to_what_the_database_holds(ctx, tmp_path):
    """What the caller had committed stays; the import adds to it."""
    with unit_of_work("测试员"):
        f.source("ZY09")
    assert run(county(), tmp_path).problems == []
    assert db.session.scalar(select(FundSource.id).where(FundSource.code == "ZY09"))
