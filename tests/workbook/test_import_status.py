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
