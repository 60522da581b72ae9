"""The rows of the data sheets, streamed from the database in a fixed order.

Each function yields one dict per row, keyed by the sheet's column keys, with the values
the exporter writes (enumerations as members, 重点村 as bool). The queries select columns,
not ORM objects, and are read in chunks (``yield_per``) so that a county of any size
exports in flat memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from .. import sheets
from ..assets.models import AssetHandover
from ..attachments.models import Attachment, OwnerType
from ..contracts.models import Contract
from ..extensions import db
from ..funds.models import Allocation, Disbursement, FundArrival, FundSource, Recovery
from ..ledger import LedgerFilter
from ..milestones.models import Milestone
from ..performance.models import PerformanceTarget
from ..projects.models import Project, Unit
from ..rectification.models import Finding

CHUNK = 1000


class Rows:
    """A data sheet's rows: read from the database in chunks when iterated, each row
    shaped by ``shape`` when given; ``count()`` says how many there are beforehand (one
    count statement), for the export's progress."""

    def __init__(self, stmt, keys, shape: Callable[[dict], dict] | None = None):
        self.stmt, self.keys, self.shape = stmt, keys, shape

    def __iter__(self) -> Iterator[dict]:
        keys, shape = self.keys, self.shape
        for row in db.session.execute(self.stmt.execution_options(yield_per=CHUNK)):
            values = dict(zip(keys, row, strict=True))
            yield values if shape is None else shape(values)

    def count(self) -> int:
        inner = self.stmt.order_by(None).subquery()
        return db.session.execute(select(func.count()).select_from(inner)).scalar_one()


def _stream(stmt, keys) -> Rows:
    return Rows(stmt, keys)


@dataclass(frozen=True)
class Scope:
    """Which rows the data sheets keep: conditions on Project and on FundSource. A row
    naming a project and a channel is kept when both are."""

    projects: tuple = ()
    sources: tuple = ()

    @classmethod
    def of(cls, filt: LedgerFilter, as_of: dt.date) -> Scope:
        # the data sheets are the registry's: 储备 projects are kept
        filt = replace(filt, include_proposed=True)
        projects = tuple(filt.project_conditions(as_of))
        sources = tuple(filt.source_conditions())
        if replace(filt, year=None).narrows_projects:
            # a selection of projects (a township, a unit...): the channels funding them
            kept = select(Project.id).where(*projects)
            funding = select(Allocation.source_id).where(Allocation.project_id.in_(kept))
            sources += (FundSource.id.in_(funding),)
        return cls(projects, sources)


ALL = Scope()


def sources(scope=ALL):
    stmt = (
        select(FundSource.code, FundSource.name, FundSource.level, FundSource.category,
               FundSource.year, FundSource.document_no, FundSource.amount_issued,
               FundSource.issued_on)
        .where(*scope.sources)
        .order_by(FundSource.code)
    )
    return _stream(stmt, sheets.SOURCES.keys)


def arrivals(scope=ALL):
    stmt = (
        select(FundSource.code, FundArrival.arrived_on, FundArrival.amount, FundArrival.note)
        .join(FundSource, FundSource.id == FundArrival.source_id)
        .where(*scope.sources)
        .order_by(FundSource.code, FundArrival.arrived_on, FundArrival.id)
    )
    return _stream(stmt, sheets.ARRIVALS.keys)


def projects(scope=ALL):
    stmt = (
        select(Project.code, Project.name, Project.year, Project.category, Project.township,
               Project.village, Unit.name, Project.responsible_person, Project.phone,
               Project.scope, Project.total_investment, Project.priority, Project.status)
        .join(Unit, Unit.id == Project.unit_id)
        .where(*scope.projects)
        .order_by(Project.code)
    )
    return _stream(stmt, sheets.PROJECTS.keys)


def allocations(scope=ALL):
    stmt = (
        select(Project.code, FundSource.code, Allocation.amount, Allocation.document_no,
               Allocation.allocated_on)
        .join(Project, Project.id == Allocation.project_id)
        .join(FundSource, FundSource.id == Allocation.source_id)
        .where(*scope.projects, *scope.sources)
        .order_by(Project.code, FundSource.code, Allocation.id)
    )
    return _stream(stmt, sheets.ALLOCATIONS.keys)


def disbursements(scope=ALL):
    """By payment date, then in the order of entry: a payment before its reversal, and a
    wrong payment, its reversal and the payment re-entered in the order they were posted
    (which is the order import replays them in)."""
    reversed_ = aliased(Disbursement)
    stmt = (
        select(Disbursement.voucher_no, Project.code, FundSource.code, Disbursement.paid_on,
               Disbursement.amount, Disbursement.kind, Disbursement.payee,
               reversed_.voucher_no, Disbursement.memo, Disbursement.payee_account,
               Disbursement.budget_subject)
        .join(Project, Project.id == Disbursement.project_id)
        .join(FundSource, FundSource.id == Disbursement.source_id)
        .outerjoin(reversed_, reversed_.id == Disbursement.reverses_id)
        .where(*scope.projects, *scope.sources)
        .order_by(Disbursement.paid_on, Disbursement.id)
    )
    return _stream(stmt, sheets.DISBURSEMENTS.keys)


def recoveries(scope=ALL):
    """By date, then in the order of entry (the order import replays them in)."""
    stmt = (
        select(FundSource.code, Recovery.recovered_on, Recovery.amount, Recovery.destination,
               Recovery.document_no, Recovery.reason)
        .join(FundSource, FundSource.id == Recovery.source_id)
        .where(*scope.sources)
        .order_by(Recovery.recovered_on, Recovery.id)
    )
    return _stream(stmt, sheets.RECOVERIES.keys)


def contracts(scope=ALL):
    """By project, then 合同编号 (contracts are independent of each other)."""
    stmt = (
        select(Contract.contract_no, Project.code, Contract.contractor, Contract.amount,
               Contract.signed_on, Contract.tender_method, Contract.retention_rate,
               Contract.retention_due_on)
        .join(Project, Project.id == Contract.project_id)
        .where(*scope.projects)
        .order_by(Project.code, Contract.contract_no)
    )
    return _stream(stmt, sheets.CONTRACTS.keys)


def milestones(scope=ALL):
    stmt = (
        select(Project.code, Milestone.kind, Milestone.planned_on, Milestone.done_on,
               Milestone.note)
        .join(Project, Project.id == Milestone.project_id)
        .where(*scope.projects)
        .order_by(Project.code, Milestone.kind)
    )
    return _stream(stmt, sheets.MILESTONES.keys)


def targets(scope=ALL):
    """By project, then in the order entered (the order import adds them in)."""
    stmt = (
        select(Project.code, PerformanceTarget.category, PerformanceTarget.name,
               PerformanceTarget.measure, PerformanceTarget.target, PerformanceTarget.actual,
               PerformanceTarget.met, PerformanceTarget.gap_reason)
        .join(Project, Project.id == PerformanceTarget.project_id)
        .where(*scope.projects)
        .order_by(Project.code, PerformanceTarget.id)
    )
    return _stream(stmt, sheets.TARGETS.keys)


def assets(scope=ALL):
    """By project, then handover date and order entered."""
    stmt = (
        select(Project.code, AssetHandover.name, AssetHandover.asset_class,
               AssetHandover.value, AssetHandover.owner, AssetHandover.maintainer,
               AssetHandover.caretaker, AssetHandover.handed_over_on,
               AssetHandover.document_no)
        .join(Project, Project.id == AssetHandover.project_id)
        .where(*scope.projects)
        .order_by(Project.code, AssetHandover.handed_over_on, AssetHandover.id)
    )
    return _stream(stmt, sheets.ASSETS.keys)


#: The data sheets with the function that yields their rows.
DATA = (
    (sheets.SOURCES, sources),
    (sheets.ARRIVALS, arrivals),
    (sheets.PROJECTS, projects),
    (sheets.ALLOCATIONS, allocations),
    (sheets.DISBURSEMENTS, disbursements),
    (sheets.RECOVERIES, recoveries),
    (sheets.CONTRACTS, contracts),
    (sheets.MILESTONES, milestones),
    (sheets.TARGETS, targets),
    (sheets.ASSETS, assets),
)


def documents(scope=ALL):
    """The 要件 sheet's rows: every stored document whose owner the scope keeps (a
    payment when its project and channel are kept, a finding with its project), by id;
    the upload time in the county's time zone."""
    stmt = select(Attachment.id, Attachment.owner_key, Attachment.kind, Attachment.filename,
                  Attachment.sha256, Attachment.size, Attachment.uploaded_by,
                  Attachment.uploaded_at, Attachment.supersedes_id)
    if scope.projects or scope.sources:
        kept_projects = select(Project.id).where(*scope.projects)
        kept_sources = select(FundSource.id).where(*scope.sources)
        kept_payments = select(Disbursement.id).where(
            Disbursement.project_id.in_(kept_projects),
            Disbursement.source_id.in_(kept_sources))
        kept_findings = select(Finding.id).where(Finding.project_id.in_(kept_projects))
        owned = {OwnerType.PROJECT: kept_projects, OwnerType.SOURCE: kept_sources,
                 OwnerType.DISBURSEMENT: kept_payments, OwnerType.FINDING: kept_findings}
        stmt = stmt.where(or_(*((Attachment.owner_type == kind) & Attachment.owner_id.in_(ids)
                                for kind, ids in owned.items())))
    zone = ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])

    def shape(row: dict) -> dict:
        moment = row["uploaded_at"]
        if moment.tzinfo is None:  # SQLite keeps UTC times without their zone
            moment = moment.replace(tzinfo=dt.UTC)
        row["uploaded_at"] = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        return row

    return Rows(stmt.order_by(Attachment.id), sheets.DOCUMENTS.keys, shape)
