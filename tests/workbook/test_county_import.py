"""Import of a county's own ledger layout, against the database: three counties' workbooks
import after mapping and fundtrack's figures equal their own totals; next month's file
re-imports with the saved mapping in one step; bad input is named with the county's
sheet, row and header, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundtrack.enums import Level, MilestoneKind
from fundtrack.extensions import db
from fundtrack.funds.models import Disbursement
from fundtrack.ledger import allocation_ledger, project_ledger
from fundtrack.milestones.models import Milestone
from fundtrack.projects.models import Project, Unit
from fundtrack.projects.service import get_or_create_unit
from fundtrack.workbook.mapping.plan import check_county, known_channels, read_header
from fundtrack.workbook.mapping.propose import propose
from tests import factories as f
from tests.workbook import county_books as books
from tests.workbook.readback import table_counts

LATER = dt.date(2025, 12, 31)


@pytest.fixture
def county(ctx):
    """The three 2024 channels, their money arrived, and the units the books name."""
    for code, level in (("ZY2024", Level.CENTRAL), ("SJ2024", Level.PROVINCIAL),
                        ("XJ2024", Level.COUNTY)):
        src = f.source(code, "50000000.00", level=level, year=2024)
        f.arrive(src, "20000000.00", "2024-01-15")
    for unit in (books.QUESHAN_UNITS | books.BIYANG_UNITS | books.ZHENGYANG_UNITS):
        get_or_create_unit(unit)
    db.session.commit()
    return ctx


def proposed(ledger):
    _, header = read_header(ledger.path, ledger.sheet)
    mapping = propose(header.names, channels=known_channels(), year=header.year,
                      unit=header.unit)
    mapping.sheet = ledger.sheet
    return mapping


def run(ledger, mapping=None, *, dry_run=False, as_of=None):
    return check_county(ledger.path, sheet=ledger.sheet, mapping=mapping or proposed(ledger),
                        actor="导入员", as_of=as_of or ledger.as_of, dry_run=dry_run)


def problems(check):
    return [str(p) for p in check.report.problems]


@pytest.mark.parametrize("book,as_of", [
    (books.queshan, None), (books.biyang, dt.date(2024, 8, 31)), (books.zhengyang, None),
])
def test_three_layouts_import_and_equal_their_own_totals(county, tmp_path, book, as_of):
    ledger = book(tmp_path / "book.xlsx")
    check = run(ledger, as_of=as_of)
    assert problems(check) == []
    assert check.new_projects == ledger.projects
    assert (check.allocated, check.paid) == (ledger.allocated, ledger.paid)
    # the sheet's own 合计 row is held to its rows, column by column (or by group)
    assert check.total_lines and all(t == s for _, t, s in check.total_lines)
    db.session.rollback()
    total = project_ledger(LATER).total
    assert total["allocated"] == ledger.allocated
    assert total["spent"] == ledger.paid
    assert allocation_ledger(LATER).total["spent"] == ledger.paid
    # one summary payment per project × channel, at the as-of date, memo 期初数
    payments = db.session.scalars(select(Disbursement)).all()
    assert payments and {p.paid_on for p in payments} == {as_of or ledger.as_of}
    assert all(p.memo.startswith("期初数") for p in payments)
    warned = [w for w in check.report.warnings if "无凭证明细" in w]
    assert len(warned) == len(payments)
    # as of the day before the ledger's date nothing is paid yet
    assert project_ledger((as_of or ledger.as_of) - dt.timedelta(days=1)).total["spent"] == 0


def test_queshan_projects_keep_the_countys_codes_places_and_dates(county, tmp_path):
    ledger = books.queshan(tmp_path / "qs.xlsx")
    assert problems(run(ledger)) == []
    db.session.rollback()
    p = db.session.scalar(select(Project).where(Project.code == "QS2024-002"))
    assert (p.township, p.village, p.unit.name) == ("任店镇", "李湾村", "确山县水利局")
    assert p.total_investment == D("608216.00")
    done = db.session.scalar(select(Milestone).where(
        Milestone.project_id == p.id, Milestone.kind == MilestoneKind.COMPLETED))
    assert (done.planned_on, done.done_on) == (dt.date(2024, 6, 30), dt.date(2024, 6, 20))


def test_dry_run_writes_nothing(county, tmp_path):
    ledger = books.queshan(tmp_path / "qs.xlsx")
    before = table_counts()
    check = run(ledger, dry_run=True)
    assert problems(check) == [] and check.report.counts["项目"] == 4
    assert table_counts() == before


def test_next_month_with_the_same_mapping_adds_only_what_changed(county, tmp_path):
    first = books.biyang(tmp_path / "july.xlsx")
    mapping = proposed(first)
    assert problems(run(first, mapping, as_of=dt.date(2024, 7, 31))) == []
    extra = [("象河乡象河村桥梁建设项目", "象河乡", "象河村", "泌阳县交通运输局", "道路",
              (250000, 0, 0), (100000, 0, 0), "2024-08-10", None, None)]
    second = books.biyang(tmp_path / "august.xlsx", extra=extra, paid_more=50000)
    check = run(second, mapping, as_of=dt.date(2024, 8, 31))
    assert problems(check) == []
    assert (check.new_projects, check.updated_projects) == (1, 4)
    db.session.rollback()
    total = project_ledger(LATER).total
    assert (total["allocated"], total["spent"]) == (second.allocated, second.paid)
    assert project_ledger(dt.date(2024, 7, 31)).total["spent"] == first.paid
    assert db.session.scalar(select(Project.code).where(
        Project.name == "象河乡象河村桥梁建设项目")) == "2024-0005"


def test_unknown_units_and_channels_are_listed_never_created(county, tmp_path):
    ledger = books.zhengyang(tmp_path / "zy.xlsx")
    mapping = proposed(ledger)
    mapping.columns["累计拨付(万元)/省级"].source = "SJ2099"
    db.session.execute(Unit.__table__.delete().where(Unit.name == "正阳县农业农村局"))
    db.session.commit()
    before = table_counts()
    check = run(ledger, mapping)
    assert problems(check) == [
        "衔接资金项目 第3行 累计拨付(万元)/省级:资金渠道「SJ2099」不存在:"
        "请先在「资金渠道」中新建,或对应到已有渠道",
        "衔接资金项目 第5行 主管部门:责任单位「正阳县农业农村局」在系统中不存在等 2 行:"
        "请先在「责任单位」中新建,或在映射中将其对应到已有单位",
    ]
    assert table_counts() == before
    # matched to an existing unit in the mapping, it imports
    mapping.columns["累计拨付(万元)/省级"].source = "SJ2024"
    mapping.units = {"正阳县农业农村局": "正阳县住房和城乡建设局"}
    assert problems(run(ledger, mapping)) == []


def test_bad_input_is_named_by_the_countys_row_and_header(county, tmp_path):
    ledger = books.queshan(tmp_path / "qs.xlsx", broken=True)
    before = table_counts()
    check = run(ledger)
    assert problems(check) == [
        "2024年项目台账 第7行 资金来源/中央:「四十万」不是以万元计的金额",
        "2024年项目台账 第8行 资金来源/省级:「35.1234567」万元折合 351234.567 元,"
        "超过两位小数(元精确到分);请检查该列的单位",
        "2024年项目台账 第9行 实际开工时间:「三月初」不是有效日期(应为日期,如 2024-03-05)",
    ]
    assert table_counts() == before


def test_a_column_mapped_twice(county, tmp_path):
    ledger = books.queshan(tmp_path / "qs.xlsx")
    mapping = proposed(ledger)
    mapping.columns["建设内容及规模"].field = "name"
    check = run(ledger, mapping)
    assert problems(check) == [
        "2024年项目台账 第3行 建设内容及规模:「项目名称」已由列「项目名称」对应:"
        "一个字段只能对应一列"]


def test_a_sheet_without_a_header(county, tmp_path):
    ledger = books.zhengyang(tmp_path / "zy.xlsx")
    check = check_county(ledger.path, sheet="说明", mapping=proposed(ledger), actor="导入员")
    assert problems(check) == [
        "说明:在前 30 行中找不到表头(应有一行列名,如 项目名称、建设地点、责任单位、资金规模);"
        "请确认选择的工作表"]


def test_rules_of_the_ledger_name_the_countys_cells(county, tmp_path):
    """A payment beyond the money arrived is refused by the same service as any payment,
    and the message names the county's row and header."""
    ledger = books.queshan(tmp_path / "qs.xlsx")
    check = run(ledger, as_of=dt.date(2024, 1, 10))  # before any money arrived
    assert check.report.problems
    first = check.report.problems[0]
    assert first.sheet == "2024年项目台账" and first.row == 6
    assert first.column.startswith("已拨付/")
    db.session.rollback()
    assert db.session.scalar(select(Project).limit(1)) is None


def test_saved_mapping_reimports_next_month_in_one_command(county, tmp_path, runner):
    from fundtrack.history.models import Change
    from fundtrack.workbook.mapping.service import save_mapping, saved_mappings

    june = books.queshan(tmp_path / "june.xlsx")
    mapping = proposed(june)
    save_mapping("确山县项目台账", mapping)
    db.session.commit()
    assert [m.name for m in saved_mappings()] == ["确山县项目台账"]
    assert db.session.scalar(select(Change.entity).where(
        Change.entity == "import_mapping")) == "import_mapping"
    result = runner.invoke(args=["import", str(june.path), "--mapping", "确山县项目台账"])
    assert result.exit_code == 0, result.output
    assert "已导入:" in result.output and "项目 4 行" in result.output
    # next month: the same layout, the title's date moved on, one more 万元 paid
    july = books.queshan(tmp_path / "july.xlsx", as_of=dt.date(2024, 7, 31), paid_more="1.5")
    result = runner.invoke(args=["import", str(july.path), "--mapping", "确山县项目台账"])
    assert result.exit_code == 0, result.output
    assert "项目 0 行" in result.output and "支出明细 1 行" in result.output
    db.session.rollback()
    assert project_ledger(LATER).total["spent"] == july.paid == june.paid + 15000


def test_cli_names_the_saved_mappings_when_one_is_unknown(county, tmp_path, runner):
    ledger = books.queshan(tmp_path / "qs.xlsx")
    result = runner.invoke(args=["import", str(ledger.path), "--mapping", "没有这个"])
    assert result.exit_code == 1
    assert "没有名为「没有这个」的导入映射" in result.output


def test_new_villages_are_listed_and_may_be_matched(county, tmp_path):
    f.project("XM900", village="肖庄行政村", township="竹沟镇")
    db.session.commit()
    ledger = books.queshan(tmp_path / "qs.xlsx")
    mapping = proposed(ledger)
    check = run(ledger, mapping, dry_run=True)
    assert check.new_villages == ["张楼村", "李湾村", "石滚河村", "肖庄村"]
    mapping.villages = {"肖庄村": "肖庄行政村"}
    check = run(ledger, mapping)
    assert problems(check) == [] and "肖庄村" not in check.new_villages
    db.session.rollback()
    assert db.session.scalar(select(Project.village).where(
        Project.code == "QS2024-001")) == "肖庄行政村"


def test_an_existing_project_is_not_edited_but_the_difference_is_said(county, tmp_path):
    ledger = books.queshan(tmp_path / "qs.xlsx")
    mapping = proposed(ledger)
    assert problems(run(ledger, mapping)) == []
    db.session.rollback()
    road = db.session.scalar(select(Project).where(Project.code == "QS2024-001"))
    road.total_investment = D("1200000.00")
    db.session.commit()
    check = run(ledger, mapping, dry_run=True)
    assert problems(check) == [] and check.new_projects == 0
    assert [w.message for w in check.report.warnings if w.row == 6] == [
        "「资金规模」为「1118500.00」,系统中项目「QS2024-001」为「1200000.00」:"
        "导入不修改已有项目,如需修改请在项目页修改"]


def test_cli_dry_run_with_the_ledgers_date_given(county, tmp_path, runner):
    from fundtrack.workbook.mapping.service import save_mapping

    ledger = books.biyang(tmp_path / "by.xlsx")
    save_mapping("泌阳县台账", proposed(ledger))
    db.session.commit()
    before = table_counts()
    result = runner.invoke(args=["import", str(ledger.path), "--mapping", "泌阳县台账",
                                 "--dry-run"])
    assert result.exit_code == 1 and "标题中没有截至日期" in result.output
    result = runner.invoke(args=["import", str(ledger.path), "--mapping", "泌阳县台账",
                                 "--as-of", "2024-08-31", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "检查通过(未写入)" in result.output and "项目 4 行" in result.output
    assert table_counts() == before
    result = runner.invoke(args=["import", str(ledger.path), "--as-of", "2024-08-31"])
    assert result.exit_code == 2


def test_a_corrected_file_of_the_same_month_adds_its_difference(county, tmp_path):
    first = books.queshan(tmp_path / "june.xlsx")
    mapping = proposed(first)
    assert problems(run(first, mapping)) == []
    again = run(first, mapping)  # the same file twice: nothing new
    assert problems(again) == [] and sum(again.report.counts.values()) == 0
    corrected = books.queshan(tmp_path / "june2.xlsx", paid_more="0.25")
    check = run(corrected, mapping)
    assert problems(check) == [] and check.report.counts["支出明细"] == 1
    db.session.rollback()
    assert project_ledger(LATER).total["spent"] == first.paid + 2500
    vouchers = db.session.scalars(select(Disbursement.voucher_no).where(
        Disbursement.amount == D("2500.00"))).all()
    assert len(vouchers) == 1 and vouchers[0].startswith("期初20240630-")
    assert vouchers[0].endswith("-2")


def test_a_moved_plan_of_a_project_in_implementation_needs_a_reason(county, tmp_path):
    """A project that entered 实施 in fundtrack keeps its baseline: the county's ledger
    moving a planned date is a plan adjustment (计划调整), which needs its reason."""
    from fundtrack.enums import ProjectStatus
    from fundtrack.milestones.models import PlanAdjustment
    from fundtrack.projects.service import create_project, get_unit

    road = create_project(
        code="QS2024-001", name="竹沟镇肖庄村通组道路硬化工程", year=2024, township="竹沟镇",
        unit=get_unit("确山县交通运输局"), total_investment=D("1118500.00"),
        status=ProjectStatus.PLANNED)
    f.milestone(road, MilestoneKind.COMPLETED, planned="2024-07-31")
    from fundtrack.milestones.service import keep_baseline

    road.status = ProjectStatus.IMPLEMENTING
    keep_baseline(road)
    db.session.commit()
    ledger = books.queshan(tmp_path / "qs.xlsx")  # plans 完工 for 2024-08-31
    check = run(ledger)
    assert problems(check) == [
        "2024年项目台账 第6行 计划完工时间:项目已实施,修改「完工」的计划日期须填写调整原因"]
    check = check_county(ledger.path, sheet=ledger.sheet, mapping=proposed(ledger),
                         actor="导入员", reason="按县级台账调整")
    assert problems(check) == []
    check = check_county(ledger.path, sheet=ledger.sheet, mapping=proposed(ledger),
                         actor="导入员", reason="按县级台账调整", dry_run=False)
    db.session.rollback()
    adjustment = db.session.scalar(select(PlanAdjustment))
    assert (adjustment.old_on, adjustment.new_on, adjustment.reason) == (
        dt.date(2024, 7, 31), dt.date(2024, 8, 31), "按县级台账调整")


def test_one_check_reports_cell_ledger_and_rule_problems_together(county, tmp_path):
    """A bad cell, an unknown unit and a payment beyond the allocation, in one run."""
    ledger = books.queshan(tmp_path / "qs.xlsx", broken=True)
    db.session.execute(Unit.__table__.delete().where(Unit.name == "确山县住房和城乡建设局"))
    db.session.commit()
    mapping = proposed(ledger)
    mapping.columns["资金来源/省级"].field = ""  # 省级 paid without its allocation
    before = table_counts()
    check = run(ledger, mapping)
    found = [(p.row, p.column) for p in check.report.problems]
    assert found == [(6, "已拨付/省级"), (7, "资金来源/中央"), (9, "实际开工时间"),
                     (9, "责任单位")], [str(p) for p in check.report.problems]
    assert table_counts() == before


def test_zhengyangs_group_totals_are_checked(county, tmp_path):
    ledger = books.zhengyang(tmp_path / "zy.xlsx")
    check = run(ledger, dry_run=True)
    assert check.total_lines == [
        ("财政衔接资金(万元)/小计", ledger.allocated, ledger.allocated),
        ("累计拨付(万元)/小计", ledger.paid, ledger.paid)]
