"""The 月报 sheet of the exported workbook: the figures by channel category with their
合计, the paragraph below them; import ignores the sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from fundtrack.ledger.monthly import monthly_report
from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.importer import import_workbook
from tests.dashboard.county import build_county
from tests.workbook.readback import open_book, values

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def county(app):
    build_county(app)
    return app


def test_the_workbook_has_a_monthly_sheet_and_imports_back(county, fresh_app, tmp_path):
    path = tmp_path / "台账.xlsx"
    with county.app_context():
        export_workbook(path, as_of=AS_OF)
        report = monthly_report(AS_OF)
    book = open_book(path)
    assert book.sheetnames[-2:] == ["月报", "要件"]
    rows = values(book["月报"])
    assert rows[0][0] == "测试县 月报(截至2024年06月30日)"
    assert rows[1] == ("资金类别", "渠道数", "下达金额", "已到位", "已支出", "支出率")
    assert rows[2] == ("财政专项扶贫资金", 1, 1000000, 800000, 350000, 0.4375)
    assert rows[4] == ("东西部协作资金", 1, 200000, 100000, 50000, 0.5)
    assert rows[5] == ("合计", 3, 1700000, 1400000, 523456.78, 0.3739)
    assert rows[7][0] == report.paragraph
    # the 月报 sheet is ignored on import: the workbook loads into an empty database
    with fresh_app.app_context():
        result = import_workbook(path, actor="导入员")
        assert result.problems == [], [str(p) for p in result.problems]
        assert monthly_report(AS_OF).paragraph == report.paragraph
