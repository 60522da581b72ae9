"""The 项目 sheet's optional last column 项目状态: empty or missing means 实施."""

from __future__ import annotations

from fundtrack import sheets
from fundtrack.enums import ProjectStatus
from fundtrack.extensions import db
from fundtrack.projects.models import Project
from fundtrack.workbook.importer import import_workbook
from tests.workbook.builder import Book, county


def statuses():
    return dict(db.session.query(Project.code, Project.status))


def test_the_status_column_imports_and_empty_is_implementing(ctx, tmp_path):
    book = county()
    book.add("项目", project_code="XM003", name="南村储备项目", year=2025, township="城关镇",
             unit="县水利局", total_investment=1000, status="储备")
    report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员")
    assert not report.problems, [str(p) for p in report.problems]
    assert statuses() == {"XM001": ProjectStatus.IMPLEMENTING,
                          "XM002": ProjectStatus.IMPLEMENTING,
                          "XM003": ProjectStatus.PROPOSED}


def test_a_workbook_without_the_column_still_loads(ctx, tmp_path):
    book = Book()
    heads = [c.header for c in sheets.PROJECTS.columns if c.key != "status"]
    book.headers("项目", heads)
    book.add("项目", project_code="XM009", name="旧台账项目", year=2023, township="城关镇",
             unit="县水利局", total_investment=5)
    report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员")
    assert not report.problems
    assert statuses() == {"XM009": ProjectStatus.IMPLEMENTING}


def test_an_unknown_status_is_a_problem_of_its_cell(ctx, tmp_path):
    book = Book()
    book.add("项目", project_code="XM009", name="x", year=2023, township="城关镇",
             unit="县水利局", total_investment=5, status="在建")
    report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员")
    [p] = report.problems
    assert (p.sheet, p.row, p.column) == ("项目", 2, "项目状态")
    assert "储备、计划、实施、完工、终止" in p.message
    assert statuses() == {}


def test_a_project_imported_as_implementing_keeps_its_imported_plan_as_baseline(ctx, tmp_path):
    """基准计划 of an imported project: moving an imported planned date later needs a
    reason and is a plan adjustment (计划调整); a project imported as 计划 gets its
    baseline when it enters 实施."""
    import datetime as dt

    import pytest

    from fundtrack.database import unit_of_work
    from fundtrack.enums import MilestoneKind as K
    from fundtrack.errors import Refused
    from fundtrack.milestones.models import Milestone, PlanAdjustment
    from fundtrack.milestones.service import set_milestone
    from fundtrack.projects.service import get_project

    book = Book()
    for code, status in (("XM001", ""), ("XM002", "计划")):
        book.add("项目", project_code=code, name="东村道路", year=2025, township="城关镇",
                 unit="县水利局", total_investment=1000, status=status)
        book.add("项目节点", project_code=code, milestone="完工", planned_on="2025-10-31")
    report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员")
    assert not report.problems, [str(p) for p in report.problems]
    baselines = dict(db.session.query(Project.code, Milestone.baseline_on).join(
        Milestone, Milestone.project_id == Project.id))
    assert baselines == {"XM001": dt.date(2025, 10, 31), "XM002": None}
    with pytest.raises(Refused, match="须填写调整原因"), unit_of_work("张三"):
        set_milestone(get_project("XM001"), K.COMPLETED, planned_on=dt.date(2025, 12, 31))
    with unit_of_work("张三"):
        set_milestone(get_project("XM001"), K.COMPLETED, planned_on=dt.date(2025, 12, 31),
                      reason="冬季停工")
        set_milestone(get_project("XM002"), K.COMPLETED, planned_on=dt.date(2025, 12, 31))
    [adjustment] = db.session.query(PlanAdjustment).all()
    assert (adjustment.old_on, adjustment.new_on, adjustment.actor) == (
        dt.date(2025, 10, 31), dt.date(2025, 12, 31), "张三")
