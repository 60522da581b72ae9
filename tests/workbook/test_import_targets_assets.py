"""The 绩效目标 and 资产台账 sheets import through their services (after the milestones),
all or nothing, each refused row naming its sheet, row and column; a workbook without
them imports as before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fundtrack.assets.models import AssetHandover
from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.performance.models import PerformanceTarget
from fundtrack.projects.models import Project
from fundtrack.workbook.importer import import_workbook
from tests.workbook.builder import county


def _book():
    b = county()
    b.add("项目节点", project_code="XM002", milestone="报账", done_on="2024-05-20")
    b.add("绩效目标", project_code="XM001", target_category="产出", name="新建道路长度",
          measure="公里", target="3.2", actual="3.3", met="是")
    b.add("绩效目标", project_code="XM002", target_category="效益", name="受益人口",
          measure="人", target="1200")
    b.add("资产台账", project_code="XM002", name="供水管网", asset_class="公益性",
          value=80000, owner="西村村民委员会", maintainer="西村供水站",
          handed_over_on="2024-06-01", document_no="移交〔2024〕1号")
    return b


def test_targets_and_assets_are_added_with_their_history(ctx, tmp_path):
    report = import_workbook(_book().save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == [], [str(p) for p in report.problems]
    assert report.counts["绩效目标"] == 2 and report.counts["资产台账"] == 1
    db.session.rollback()
    length = db.session.scalar(select(PerformanceTarget).where(
        PerformanceTarget.name == "新建道路长度"))
    assert (length.actual, length.met, length.project.code) == ("3.3", True, "XM001")
    asset = db.session.scalar(select(AssetHandover))
    assert asset.value == 80000 and asset.handed_over_on == dt.date(2024, 6, 1)
    changes = dict(db.session.execute(
        select(Change.entity, func.count()).group_by(Change.entity)).all())
    assert changes["performance_target"] == 2 and changes["asset_handover"] == 1


def test_a_workbook_without_them_imports_as_before(ctx, tmp_path):
    report = import_workbook(county().save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == [] and "绩效目标" not in report.counts
    assert "资产台账" not in report.summary()


def test_each_refused_row_names_sheet_row_and_column_and_nothing_is_written(ctx, tmp_path):
    b = _book()
    missed = b.add("绩效目标", project_code="XM001", target_category="产出", name="路面宽度",
                   target="4.5", actual="4", met="否")  # no 未达成原因
    wrong = b.add("绩效目标", project_code="XM001", target_category="产值", name="x",
                  target="1")
    nowhere = b.add("绩效目标", project_code="XM404", target_category="产出", name="x",
                    target="1")
    unsettled = b.add("资产台账", project_code="XM001", name="道路", asset_class="公益性",
                      value=1000, owner="东村", maintainer="东村",
                      handed_over_on="2024-06-01")
    negative = b.add("资产台账", project_code="XM002", name="泵", asset_class="经营性",
                     value=-1, owner="西村", maintainer="西村", handed_over_on="2024-06-01")
    report = import_workbook(b.save(tmp_path / "in.xlsx"), actor="导入员")
    found = {(p.sheet, p.row): (p.column, p.message) for p in report.problems}
    assert found[("绩效目标", missed)] == ("未达成原因", "未达成目标的须填写未达成原因")
    assert found[("绩效目标", wrong)][0] == "指标类别"
    assert found[("绩效目标", nowhere)][0] == "项目编号"
    assert found[("资产台账", unsettled)][0] == "项目编号"
    assert "尚未报账" in found[("资产台账", unsettled)][1]
    assert found[("资产台账", negative)][0] == "资产价值"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Project.id))) == 0
    assert db.session.scalar(select(func.count(PerformanceTarget.id))) == 0
    assert db.session.scalar(select(func.count(AssetHandover.id))) == 0
