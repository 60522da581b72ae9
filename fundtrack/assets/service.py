"""The rules for asset handover (资产移交/确权): after 报账, a project's assets are
registered with their class, value, owner, maintainer, date and document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ..bulk import add
from ..clock import today
from ..enums import AssetClass, MilestoneKind
from ..errors import Refused
from ..extensions import db
from ..fields import clean_name
from ..history.service import record
from ..milestones.service import done_date
from ..projects.models import Project
from ..projects.service import lock_project
from .models import AssetHandover

_COLUMNS = AssetHandover.__table__.c
#: The text fields: label and the longest value kept (the columns' lengths).
LIMITS = {
    "name": ("资产名称", _COLUMNS.name.type.length),
    "owner": ("产权归属", _COLUMNS.owner.type.length),
    "maintainer": ("管护主体", _COLUMNS.maintainer.type.length),
    "caretaker": ("管护责任人", _COLUMNS.caretaker.type.length),
    "document_no": ("移交文号", _COLUMNS.document_no.type.length),
}


def _text(key: str, value, *, required: bool = False) -> str | None:
    label, limit = LIMITS[key]
    return clean_name(label, limit, key, value, required=required)


def _asset_class(value) -> AssetClass:
    if isinstance(value, AssetClass):
        return value
    if value is None or not str(value).strip():
        raise Refused("资产类别不能为空,应为:经营性、公益性、到户类", "asset_class")
    try:
        return AssetClass.from_text(value)
    except ValueError as e:
        raise Refused(f"资产类别{e}", "asset_class") from None


def may_hand_over(user, project: Project) -> bool:
    """Who registers a project's assets: whoever may change the project (admin, finance,
    the manager of its own unit)."""
    return project.editable_by(user)


def settled_on(project: Project) -> dt.date | None:
    """The project's 报账 date (None: not settled)."""
    return done_date(project, MilestoneKind.SETTLED)


def record_handover(project: Project, *, name, asset_class, value: Decimal | None,
                    owner, maintainer, handed_over_on: dt.date | None, caretaker=None,
                    document_no=None) -> AssetHandover:
    """Register one asset handed over. The project must be settled (报账 done); the
    handover date may not lie after today (what has not happened is not recorded)."""
    name = _text("name", name, required=True)
    asset_class = _asset_class(asset_class)
    if value is None:
        raise Refused("资产价值不能为空", "value")
    if value < 0:
        raise Refused("资产价值不能为负数", "value")
    owner = _text("owner", owner, required=True)
    maintainer = _text("maintainer", maintainer, required=True)
    caretaker = _text("caretaker", caretaker)
    document_no = _text("document_no", document_no)
    if handed_over_on is None:
        raise Refused("移交日期不能为空", "handed_over_on")
    now = today()
    if handed_over_on > now:
        raise Refused(f"移交日期 {handed_over_on} 晚于今天 {now}:尚未发生的不能登记",
                      "handed_over_on")
    settled = settled_on(project)
    if settled is None or settled > now:
        raise Refused(f"项目「{project.code}」尚未报账:报账后才能登记资产移交", "project_code",
                      conflict=True)
    lock_project(project)
    item = AssetHandover(project=project, project_id=project.id, name=name,
                         asset_class=asset_class, value=value, owner=owner,
                         maintainer=maintainer, caretaker=caretaker,
                         handed_over_on=handed_over_on, document_no=document_no)
    add(item)
    record("insert", item)
    return item


def handovers_of(project: Project) -> list[AssetHandover]:
    return list(db.session.scalars(
        select(AssetHandover).where(AssetHandover.project_id == project.id)
        .order_by(AssetHandover.handed_over_on, AssetHandover.id)))
