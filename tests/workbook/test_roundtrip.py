"""An exported workbook imports back into an empty database and exports again the same,
cell for cell: the data sheets and every computed figure."""

from __future__ import annotations

import datetime as dt

from fundtrack.extensions import db
from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.importer import import_workbook
from tests.workbook.readback import open_book, values
from tests.workbook.sample import add_targets_and_assets, build_county

AS_OF = dt.date(2024, 6, 30)


def cells(ws) -> list[tuple]:
    """Every cell as (value, type, number format, bold)."""
    return [
        tuple((c.value, c.data_type, c.number_format, bool(c.font.b)) for c in row)
        for row in ws.iter_rows()
    ]


def round_trip(tmp_path, fresh_app, year=None):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    export_workbook(first, as_of=AS_OF, year=year)
    with fresh_app.app_context():
        report = import_workbook(first, actor="导入员")
        assert report.problems == [], [str(p) for p in report.problems]
        export_workbook(second, as_of=AS_OF, year=year)
    return report, open_book(first), open_book(second)


def test_export_import_export_is_the_same_workbook(ctx, fresh_app, tmp_path):
    build_county()
    report, a, b = round_trip(tmp_path, fresh_app)
    assert report.counts == {"资金来源": 3, "资金到位": 4, "项目": 4, "资金安排": 7,
                             "支出明细": 8, "项目节点": 8}
    # 10 data sheets, 6 computed, 绩效自评, 月报, 要件
    assert a.sheetnames == b.sheetnames and len(a.sheetnames) == 19
    for name in a.sheetnames:
        assert cells(a[name]) == cells(b[name]), name
    # and the figures are the county's, not empty sheets
    ledger = {r[0]: r for r in values(b["项目台账"])[2:]}
    assert ledger["XM001"][7] == 105000 and ledger["合计"][7] == 304999.99
    assert [r[0] for r in values(b["项目"])[1:]] == ["0042", "XM001", "XM002", "XM2023"]


def test_a_years_workbook_imports_into_an_empty_database(ctx, fresh_app, tmp_path):
    build_county()
    report, a, b = round_trip(tmp_path, fresh_app, year=2024)
    assert report.counts["项目"] == 3 and report.counts["资金来源"] == 2
    for name in a.sheetnames:
        assert cells(a[name]) == cells(b[name]), name


def test_contracts_round_trip_cell_for_cell(ctx, fresh_app, tmp_path):
    """The 合同 sheet: every column (an undated contract, no 招标方式, a fractional
    percentage, a number with brackets) exported, imported into an empty database and
    exported again the same."""
    from fundtrack.enums import TenderMethod
    from fundtrack.extensions import db
    from fundtrack.projects.service import get_project
    from tests import factories as f

    build_county()
    road, water = get_project("XM001"), get_project("XM002")
    f.contract("确财采〔2024〕12号", road, "480000.00", "2024-02-20",
               method=TenderMethod.OPEN, rate="0.03", due="2026-03-20",
               contractor="某某路桥工程有限公司")
    f.contract("HT-2024-007", road, "12000.50", method=TenderMethod.DIRECT,
               rate="0.0125", contractor="某某监理公司")
    f.contract("0009", water, "85000.00", "2024-02-15", contractor="=某某水利公司")
    db.session.commit()
    report, a, b = round_trip(tmp_path, fresh_app)
    assert report.counts["合同"] == 3
    assert cells(a["合同"]) == cells(b["合同"])
    rows = values(b["合同"])
    assert rows[0] == ("合同编号", "项目编号", "承建单位", "合同金额", "签订日期", "招标方式",
                       "质保金比例", "质保期满日期")
    by_no = {r[0]: r for r in rows[1:]}
    assert by_no["HT-2024-007"][3:] == (12000.5, None, "直接委托", 0.0125, None)
    assert by_no["0009"][2] == "=某某水利公司" and by_no["0009"][5] is None
    assert b["合同"]["G2"].number_format == "0.00%"


def test_targets_and_assets_round_trip_cell_for_cell(ctx, fresh_app, tmp_path):
    """绩效目标 and 资产台账 are data: exported, imported into an empty database through
    their services, exported again the same (绩效自评 with them)."""
    build_county()
    add_targets_and_assets()
    db.session.commit()
    report, a, b = round_trip(tmp_path, fresh_app)
    assert report.counts["绩效目标"] == 4 and report.counts["资产台账"] == 2
    for name in ("绩效目标", "资产台账", "绩效自评"):
        assert cells(a[name]) == cells(b[name]), name
    rows = values(b["绩效目标"])
    assert rows[0] == ("项目编号", "指标类别", "指标名称", "计量单位", "目标值", "实际值",
                       "是否达成", "未达成原因")
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["新增灌溉面积"][5:] == ("1100", "否", "部分地块未流转")
    assert by_name["受益群众满意度"][5:] == (None, None, None)
    assert by_name["=新建桥梁"][0] == "0042"  # a 终止 project keeps its targets
    assets = values(b["资产台账"])
    assert assets[0][:4] == ("项目编号", "资产名称", "资产类别", "资产价值")
    assert assets[1][:4] == ("XM002", "灌溉渠道 2.1 公里", "公益性", 84999.99)
    with fresh_app.app_context():
        from sqlalchemy import select

        from fundtrack.history.models import Change
        entities = set(db.session.scalars(select(Change.entity)))
        assert {"performance_target", "asset_handover"} <= entities
