"""The change history of an import: one row per record added or changed, with who, when,
before and after, as a single entry through the forms would leave (the importer writes
its records and their history in batches, in the same transaction)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
from fundtrack.history.models import Change
from fundtrack.history.service import snapshot
from fundtrack.milestones.models import Milestone
from fundtrack.milestones.service import set_milestone
from fundtrack.projects.models import Project, Unit
from fundtrack.workbook.importer import import_workbook
from tests import factories as f
from tests.workbook.builder import county

KEYS = {  # how users name each kind of record in 变更记录
    Allocation: lambda r: f"{r.project.code}/{r.source.code}",
    Milestone: lambda r: f"{r.project.code}/{r.kind.label}",
    FundArrival: lambda r: r.source.code,
    FundSource: lambda r: r.code, Project: lambda r: r.code, Unit: lambda r: r.name,
    Disbursement: lambda r: r.voucher_no,
}


def test_every_record_added_has_one_change_with_its_values(ctx, tmp_path):
    started = dt.datetime.now(dt.UTC)
    report = import_workbook(county().save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == []
    db.session.rollback()  # read what was committed
    changes = {(c.entity, c.entity_id): c for c in db.session.scalars(select(Change))}
    records = [r for model in KEYS for r in db.session.scalars(select(model))]
    assert len(records) == sum(report.counts.values()) + 2  # and the two units
    assert len(changes) == len(records) == db.session.query(Change).count()
    for record in records:
        change = changes[(record.__tablename__, record.id)]
        assert change.actor == "导入员" and change.before is None
        assert change.action == ("reverse" if getattr(record, "reverses_id", None)
                                 else "insert")
        assert change.after == snapshot(record)
        assert change.entity_key == KEYS[type(record)](record)
        assert started <= change.at.replace(tzinfo=dt.UTC) <= dt.datetime.now(dt.UTC)


def test_a_milestone_already_there_is_changed_with_its_before(ctx, tmp_path):
    with unit_of_work("项目股"):
        project = f.project("XM001")
        set_milestone(project, MilestoneKind.STARTED, planned_on=dt.date(2024, 3, 15))
    book = county()
    book.rows["项目"] = [r for r in book.rows["项目"] if r["project_code"] != "XM001"]
    for sheet in ("资金安排", "支出明细"):
        book.rows[sheet] = [r for r in book.rows[sheet] if r["project_code"] != "XM001"]
    report = import_workbook(book.save(tmp_path / "in.xlsx"), actor="导入员")
    assert report.problems == []
    db.session.rollback()
    started = db.session.scalar(select(Milestone).where(
        Milestone.kind == MilestoneKind.STARTED))
    change = db.session.scalars(
        select(Change).where(Change.entity == "milestone", Change.entity_id == started.id)
        .order_by(Change.id)).all()[-1]
    assert (change.action, change.actor) == ("update", "导入员")
    assert change.before["done_on"] is None and change.before["planned_on"] == "2024-03-15"
    assert change.after == snapshot(started) and change.after["done_on"] == "2024-03-20"
