"""Import: add a workbook's rows to the database through the services, all or nothing.

Every row goes through the service that owns its rules, in one transaction: fund sources,
arrivals, projects, milestones, allocations, payments, then recoveries (资金收回),
contracts (合同), performance targets (绩效目标) and asset handovers (资产台账), four
optional sheets. A refused row becomes a
Problem naming its sheet, Excel row and column, and the import carries on with the next
row, so that one run reports every problem of the workbook. At the end the transaction is
committed only when nothing was refused and this is not a dry run.

No row needs a SAVEPOINT: the services refuse (raise Refused) before they write anything,
so a refusal leaves the transaction clean on PostgreSQL too. Cell values that the
database itself would reject (text too long, a year out of range) are caught when the
cell is read.

The services run in one import session (fundtrack.importsession, ``_session``): what
they look up is loaded once and kept, and what they add is inserted in batches with its
change history, so a county's ledger takes seconds; the rules and messages are the same
code as for one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy.exc import SQLAlchemyError

from .. import collector, sheets
from ..assets import service as assets
from ..contracts import service as contracts
from ..contracts.models import Contract
from ..database import acting_as
from ..enums import PaymentKind, ProjectStatus
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import normalize
from ..funds import service as funds
from ..funds.models import Disbursement, FundSource
from ..importsession import import_session
from ..milestones.service import set_milestone
from ..performance import service as performance
from ..projects.models import Project, Unit
from ..projects.service import create_project, get_project
from .order import allocation_order, disbursement_order
from .reading import Row, read_workbook
from .report import ImportReport, Note, Problem, sheet_order

#: Service field names that differ from the sheet's column key, by sheet.
_FIELD_ALIASES = {
    sheets.SOURCES.name: {"code": "source_code"},
    sheets.PROJECTS.name: {"code": "project_code"},
    sheets.MILESTONES.name: {"kind": "milestone"},
    sheets.TARGETS.name: {"category": "target_category", "status": "project_code"},
    sheets.ASSETS.name: {"status": "project_code"},
}
#: The code a row of these sheets adds, which rows of other sheets refer to.
_OWN_KEY = {
    sheets.SOURCES.name: "source_code",
    sheets.PROJECTS.name: "project_code",
    sheets.DISBURSEMENTS.name: "voucher_no",
}
#: A column that refers to another sheet's code under another key.
_REFERS_TO = {"reverses": "voucher_no"}
#: The kinds of names (database.lock_name) an import adds: it holds them whole.
_NAMED_KINDS = ("source", "unit", "project", "voucher", "contract")


#: Rows between two progress reports.
PROGRESS_EVERY = 250

#: progress(rows done, rows in all): called as the rows are applied.
Progress = Callable[[int, int], None]


def import_workbook(path, *, actor: str, dry_run: bool = False,
                    name: str | None = None, progress: Progress | None = None
                    ) -> ImportReport:
    """Check the workbook at ``path`` and, unless refused or ``dry_run``, add it.
    ``name``: the file's name as its user gave it (an upload kept under another name).
    ``progress``: told the rows done every ``PROGRESS_EVERY`` rows and at the end.

    Ends the session's transaction: commits it when the workbook is added, rolls it back
    otherwise. Call it with nothing else pending in the session.

    The workbook is read and its cells checked before the write transaction begins: the
    session's transaction (one a request began to load its user holds SQLite's write
    lock) is ended first, so other writers are not kept waiting while the file is read.
    """
    db.session.rollback()
    with collector.paused():
        book = read_workbook(path, name=name)
        report = ImportReport(problems=list(book.problems))
        if not book.rows:
            return report
        return apply_rows(book.rows, report, actor=actor, dry_run=dry_run,
                          progress=progress)


def apply_rows(rows: dict[str, list[Row]], report: ImportReport, *, actor: str,
               dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Add ``rows`` (by data sheet name) through the services, all or nothing: the
    second half of ``import_workbook``, also used by the import of a county's own
    layout (workbook/mapping), whose rows name the county's sheet and headers.
    Commits when nothing was refused and this is not a dry run, else rolls back."""
    with acting_as(actor), collector.paused():
        try:
            with _session(rows):
                _Import(rows, report, progress).run()
        except SQLAlchemyError as e:
            # Not a refusal but the database failing (lost connection, a lock timeout):
            # nothing is written; say so in one line rather than with a traceback.
            db.session.rollback()
            first_line = str(getattr(e, "orig", None) or e).splitlines()[0]
            report.problems.append(
                Problem(None, None, None, f"数据库错误,未写入任何数据:{first_line}")
            )
            return report
        except BaseException:
            db.session.rollback()
            raise
        if report.problems or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    report.problems.sort(key=lambda p: sheet_order(p.sheet, p.row))
    report.warnings.sort(key=lambda w: sheet_order(w.sheet, w.row))
    return report


@contextmanager
def _session(rows: dict[str, list[Row]]) -> Iterator[None]:
    """One import session for the transaction: the names held whole, the codes the
    workbook names looked up at once, then the services keep what they read (see
    fundtrack.importsession)."""
    def named(key, *names):
        return {row[key] for name in names for row in rows.get(name, [])
                if row[key] is not None}

    def naming(key):
        return [s.name for s in sheets.DATA_SHEETS if key in s.keys]

    with import_session(kinds=_NAMED_KINDS) as session:
        session.preload(Project, "code", named("project_code", *naming("project_code")))
        session.preload(Unit, "name", {u.strip() for u in named("unit", sheets.PROJECTS.name)})
        session.preload(FundSource, "code", named("source_code", *naming("source_code")))
        session.preload(Disbursement, "voucher_no",
                        named("voucher_no", sheets.DISBURSEMENTS.name)
                        | named("reverses", sheets.DISBURSEMENTS.name))
        session.preload(Contract, "contract_no",
                        {normalize(n) for n in named("contract_no", sheets.CONTRACTS.name)})
        yield


class _Import:
    def __init__(self, rows: dict[str, list[Row]], report: ImportReport,
                 progress: Progress | None = None):
        self.rows = rows
        self.report = report
        self.progress = progress
        #: (sheet key, code) of rows of this workbook that could not be added → the row.
        self.failed: dict[tuple[str, str], Row] = {}
        #: Σ arrived per channel code, as the import goes (for the over-issued warning).
        self.arrived: dict[str, Decimal] = {}
        for name, key in _OWN_KEY.items():
            for row in rows.get(name, []):
                if not row.ok and row[key] is not None:
                    self.failed.setdefault((key, row[key]), row)

    def run(self) -> None:
        steps = (
            (sheets.SOURCES, self.add_source, None),
            (sheets.ARRIVALS, self.add_arrival, None),
            (sheets.PROJECTS, self.add_project, None),
            (sheets.MILESTONES, self.set_milestone, None),
            (sheets.ALLOCATIONS, self.add_allocation, allocation_order),
            (sheets.DISBURSEMENTS, self.add_payment,
             lambda rows: disbursement_order(rows, _is_reversal)),
            (sheets.RECOVERIES, self.add_recovery, None),
            (sheets.CONTRACTS, self.add_contract, None),
            (sheets.TARGETS, self.add_target, None),
            (sheets.ASSETS, self.add_asset, None),
        )
        total = sum(r.ok for rows in self.rows.values() for r in rows)
        done = 0
        if self.progress is not None:
            self.progress(0, total)
        for sheet, apply, order in steps:
            rows = [r for r in self.rows.get(sheet.name, []) if r.ok]
            if sheet is sheets.MILESTONES:
                rows = self._without_repeated_milestones(rows)
            for row in order(rows) if order else rows:
                self._apply(row, apply)
                done += 1
                if self.progress is not None and done % PROGRESS_EVERY == 0:
                    self.progress(done, total)
        if self.progress is not None:
            self.progress(total, total)

    # --- one row --------------------------------------------------------------------

    def _apply(self, row: Row, apply) -> None:
        try:
            warnings = apply(row) or []
        except Refused as e:
            self._refused(row, e)
            return
        counts = self.report.counts
        counts[row.sheet.name] = counts.get(row.sheet.name, 0) + 1
        self.report.warnings.extend(Note(row.where, row.number, w) for w in warnings)

    def _refused(self, row: Row, e: Refused) -> None:
        sheet = row.sheet
        key = _FIELD_ALIASES.get(sheet.name, {}).get(e.field, e.field)
        header = row.header(key)
        message = e.message
        if isinstance(e, NotFound) and key in sheet.keys:
            earlier = self.failed.get((_REFERS_TO.get(key, key), row[key]))
            if earlier is not None:
                message = (f"{header}「{row[key]}」在「{earlier.where}」第"
                           f"{earlier.number}行,该行有误,未能导入")
        self.report.problems.append(Problem(row.where, row.number, header, message))
        own = _OWN_KEY.get(sheet.name)
        if own is not None:
            self.failed.setdefault((own, row[own]), row)

    def _without_repeated_milestones(self, rows: list[Row]) -> list[Row]:
        """A milestone is one row per project and 节点: a second row would silently
        overwrite the first, so it is reported instead."""
        seen: dict[tuple, Row] = {}
        kept = []
        for row in rows:
            first = seen.setdefault((row["project_code"], row["milestone"]), row)
            if first is row:
                kept.append(row)
            else:
                self.report.problems.append(Problem(
                    row.where, row.number, row.header("milestone"),
                    f"项目「{row['project_code']}」的节点「{row['milestone'].label}」"
                    f"与第{first.number}行重复",
                ))
        return kept

    # --- the services, sheet by sheet ---------------------------------------------------

    def add_source(self, row: Row):
        funds.create_source(
            code=row["source_code"], name=row["name"], level=row["level"],
            category=row["category"], year=row["year"], amount_issued=row["amount_issued"],
            document_no=row["document_no"], issued_on=row["issued_on"],
        )

    def add_arrival(self, row: Row):
        source = funds.get_source(row["source_code"])
        # Σ arrived so far: what the database held before this workbook (read once per
        # channel, before its first row here is added) plus this workbook's rows
        if source.code not in self.arrived:
            self.arrived[source.code] = funds.arrived_total(source)
        arrival = funds.record_arrival(
            source, arrived_on=row["arrived_on"], amount=row["amount"], note=row["note"],
        )
        self.arrived[source.code] += arrival.amount
        return funds.arrival_warnings(arrival, source,
                                      arrived_so_far=self.arrived[source.code])

    def add_project(self, row: Row):
        create_project(
            code=row["project_code"], name=row["name"], year=row["year"],
            township=row["township"], unit=row["unit"],
            total_investment=row["total_investment"], category=row["category"],
            village=row["village"], responsible_person=row["responsible_person"],
            phone=row["phone"], scope=row["scope"], priority=bool(row["priority"]),
            status=row["status"] or ProjectStatus.IMPLEMENTING,
        )

    def set_milestone(self, row: Row):
        set_milestone(
            get_project(row["project_code"]), row["milestone"],
            planned_on=row["planned_on"], done_on=row["done_on"], note=row["note"],
            reason=row.values.get("reason"),  # a county ledger's plan change (mapping)
        )

    def add_allocation(self, row: Row):
        funds.allocate(
            get_project(row["project_code"]), funds.get_source(row["source_code"]),
            amount=row["amount"], document_no=row["document_no"],
            allocated_on=row["allocated_on"], recorded=True,
        )

    def add_payment(self, row: Row):
        project = get_project(row["project_code"])
        source = funds.get_source(row["source_code"])
        original = None
        if row["reverses"] is not None:
            original = funds.get_disbursement(row["reverses"], "reverses")
        payment = funds.post_disbursement(
            voucher_no=row["voucher_no"], project=project, source=source,
            paid_on=row["paid_on"], amount=row["amount"], kind=row["kind"],
            payee=row["payee"], memo=row["memo"], reverses=original,
            payee_account=row["payee_account"], budget_subject=row["budget_subject"],
        )
        return funds.payment_warnings(payment, project)

    def add_recovery(self, row: Row):
        funds.record_recovery(
            funds.get_source(row["source_code"]), recovered_on=row["recovered_on"],
            amount=row["amount"], destination=row["destination"],
            document_no=row["document_no"], reason=row["reason"],
        )

    def add_contract(self, row: Row):
        contracts.register_contract(
            get_project(row["project_code"]), contract_no=row["contract_no"],
            contractor=row["contractor"], amount=row["amount"], signed_on=row["signed_on"],
            tender_method=row["tender_method"], retention_rate=row["retention_rate"],
            retention_due_on=row["retention_due_on"],
        )

    def add_target(self, row: Row):
        performance.add_target(
            get_project(row["project_code"]), category=row["target_category"],
            name=row["name"], measure=row["measure"], target=row["target"],
            actual=row["actual"], met=row["met"], gap_reason=row["gap_reason"],
            from_workbook=True,
        )

    def add_asset(self, row: Row):
        assets.record_handover(
            get_project(row["project_code"]), name=row["name"],
            asset_class=row["asset_class"], value=row["value"], owner=row["owner"],
            maintainer=row["maintainer"], caretaker=row["caretaker"],
            handed_over_on=row["handed_over_on"], document_no=row["document_no"],
        )


def _is_reversal(row: Row) -> bool:
    return row["kind"] == PaymentKind.REVERSAL
