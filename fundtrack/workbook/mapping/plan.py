"""The check of a county workbook against the ledger, and its import.

After ``convert``, each project is matched: by its 项目编号 when a column gives it, else by
项目名称 and 年度 among the existing projects. A new project is added (with the next free
code ``<年度>-<n>`` when the county has no codes); an existing one keeps its record and
receives what changed since the last import: the allocation's difference (a negative one
is a reduction, 调减), the payment's difference as a further summary payment, the
milestone dates given. Then the rows go through the importer's own rules
(``importer.apply_rows``: the services, all or nothing), with the county's sheet, row and
header in every message.

Cumulative 已拨付 is not a payment by voucher: each project × channel gets one summary
payment dated at the ledger's as-of date, memo 期初数, and a warning says the voucher
detail is missing. Responsible units and channels are never created here: an unknown one
is a problem that names it, for the user to create it or to match it to an existing one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ... import sheets
from ...enums import PaymentKind
from ...extensions import db
from ...funds.models import Allocation, Disbursement, FundSource
from ...milestones.models import Milestone
from ...money import ZERO
from ...projects.models import Project, Unit
from ..importer import apply_rows
from ..reading import Row, display_name, max_import_rows
from ..report import ImportReport, Note, Problem
from .convert import Converted, CountyProject, convert
from .fields import Mapping
from .grid import HEAD_ROWS, NoSuchSheet, read_grid
from .header import Header, find_header

#: The memo of a summary payment.
OPENING_MEMO = "期初数"
#: One warning per summary payment: its voucher detail is not in fundtrack.
MISSING_VOUCHERS = ("期初数:累计已拨付 {amount} 元以一笔汇总支付导入(截至 {on}),"
                    "无凭证明细,请补录或核对原始凭证")


@dataclass(slots=True)
class CountyRow(Row):
    """A row of the importer's sheets made from a row of the county's sheet: problems and
    warnings name the county's sheet and header."""
    county_sheet: str = ""
    #: The county's header for a key; "*" for any other key (the project's name column).
    headers: dict = field(default_factory=dict)

    @property
    def where(self) -> str:
        return self.county_sheet

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.headers.get("*") or Row.header(self, key)


@dataclass
class CountyCheck:
    """What the check found: the report (problems, warnings, counts), and what the page
    shows beside it."""
    report: ImportReport
    header: Header | None = None
    converted: Converted | None = None
    as_of: dt.date | None = None
    year: int | None = None
    #: Projects added and updated.
    new_projects: int = 0
    updated_projects: int = 0
    #: Villages named that no project in fundtrack has yet (村 are text: listed, not made).
    new_villages: list[str] = field(default_factory=list)
    #: Units the sheet names that fundtrack does not know (each a problem too).
    unknown_units: list[str] = field(default_factory=list)
    #: Σ allocated and Σ paid the sheet holds, in yuan; the 合计 row's, if it has one.
    allocated: Decimal = ZERO
    paid: Decimal = ZERO
    totals_differ: list[str] = field(default_factory=list)
    #: The sheet's 合计 row against the sum of its project rows: (header, 合计, Σ rows).
    total_lines: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    #: The reason given for changed planned dates (计划调整), if any.
    reason: str | None = None


def read_header(path, sheet: str) -> tuple[list[tuple[int, list]], Header | None]:
    grid = read_grid(path, sheet, max_rows=max_import_rows())
    return grid, find_header(grid, look=HEAD_ROWS)


def check_county(path, *, sheet: str, mapping: Mapping, actor: str, as_of=None,
                 year=None, name=None, dry_run: bool = True,
                 reason: str | None = None) -> CountyCheck:
    """Check the county workbook at ``path`` (its worksheet ``sheet``) read through
    ``mapping`` and, unless ``dry_run`` or anything is refused, add it. ``as_of``: the
    ledger's date (default: the title's 截至 date); ``year``: the projects' 年度 when no
    column gives it (default: the title's year, else the as-of date's). ``reason``: why
    the planned dates of projects in 实施 changed (计划调整), when the sheet moves them."""
    db.session.rollback()
    shown = display_name(path, name)
    report = ImportReport()
    check = CountyCheck(report)
    try:
        grid, header = read_header(path, sheet)
    except NoSuchSheet:
        report.problems.append(
            Problem(None, None, None, f"工作簿「{shown}」中没有工作表「{sheet}」"))
        return check
    except Exception:  # not a workbook, damaged, too large: one line, as the importer says
        report.problems.append(Problem(None, None, None, (
            f"无法读取文件「{shown}」:不是有效的 Excel 工作簿(.xlsx),或超过一次导入的上限")))
        return check
    if header is None:
        report.problems.append(Problem(sheet, None, None, (
            f"在前 {HEAD_ROWS} 行中找不到表头(应有一行列名,如 项目名称、建设地点、责任单位、"
            "资金规模);请确认选择的工作表")))
        return check
    check.header = header
    check.as_of = as_of or header.as_of
    check.year = year or header.year or (check.as_of.year if check.as_of else None)
    check.reason = (reason or "").strip() or None
    converted = convert(grid, header, mapping, sheet=sheet, year=check.year)
    check.converted = converted
    report.problems += converted.problems
    if report.problems and not converted.projects:  # the mapping itself is unusable
        return check
    if check.as_of is None and any(a.kind == "paid" for p in converted.projects
                                   for a in p.amounts):
        report.problems.append(Problem(sheet, None, None, (
            "标题中没有截至日期(如「截至2024年6月30日」):请填写台账的截至日期,"
            "累计已拨付以该日期记为期初数")))
    _against_ledger(check, mapping, sheet)
    for p in converted.projects:
        for a in p.amounts:
            if a.kind == "allocated":
                check.allocated += a.amount
            else:
                check.paid += a.amount
    lines = [(name, total, converted.sums.get(name, ZERO))
             for name, total in converted.totals.items()]
    lines += [(name, total, sum((converted.sums.get(m, ZERO) for m in members), ZERO))
              for name, (total, members) in converted.group_totals.items()]
    check.total_lines = lines
    for header_name, total, rows_sum in lines:
        if rows_sum != total:
            check.totals_differ.append(header_name)
            report.warnings.append(Note(sheet, converted.total_row, (
                f"「{header_name}」合计行为 {total} 元,各项目行之和为 "
                f"{rows_sum} 元,二者不符")))
    # the rows that could be read go through the services even when others could not,
    # so that one check reports every problem; anything refused rolls all of it back
    rows = _rows(check, mapping, sheet)
    apply_rows(rows, report, actor=actor, dry_run=dry_run)
    return check


def _against_ledger(check: CountyCheck, mapping: Mapping, sheet: str) -> None:
    """Units and channels the sheet names that fundtrack lacks (problems), new villages
    (listed), and the existing projects each row matches."""
    report, header, converted = check.report, check.header, check.converted
    projects = [p for p in converted.projects if p.ok]
    codes = {c.source for c in mapping.mapped().values() if c.source}
    known_sources = set(db.session.scalars(select(FundSource.code).where(
        FundSource.code.in_(codes)))) if codes else set()
    for name, c in mapping.mapped().items():
        if c.source and c.source not in known_sources:
            report.problems.append(Problem(sheet, header.rows[0], name, (
                f"资金渠道「{c.source}」不存在:请先在「资金渠道」中新建,或对应到已有渠道")))
    named = [p for p in converted.projects if p.values["unit"]]
    names = {p.values["unit"] for p in named}
    known_units = set(db.session.scalars(select(Unit.name).where(Unit.name.in_(names))))
    for unit in sorted(names - known_units):
        rows = [p for p in named if p.values["unit"] == unit]
        for p in rows:  # never created: the rows wait for the unit
            p.ok = False
        check.unknown_units.append(unit)
        first = rows[0]
        more = f"等 {len(rows)} 行" if len(rows) > 1 else ""
        report.problems.append(Problem(sheet, first.number, first.headers.get("unit"), (
            f"责任单位「{unit}」在系统中不存在{more}:请先在「责任单位」中新建,"
            "或在映射中将其对应到已有单位")))
    villages = {p.values["village"] for p in projects if p.values["village"]}
    if villages:
        known = set(db.session.scalars(select(Project.village).where(
            Project.village.in_(villages))))
        check.new_villages = sorted(villages - known)
    _match(check, projects, sheet)


def _match(check: CountyCheck, projects: list[CountyProject], sheet: str) -> None:
    """Each project's code and its existing record (``p.existing``), if any."""
    by_code = any(p.values["project_code"] for p in projects)
    if by_code:
        codes = [p.values["project_code"] for p in projects if p.values["project_code"]]
        found = {p.code: p for p in db.session.scalars(
            select(Project).where(Project.code.in_(codes)))}
        for p in projects:
            if p.values["project_code"] is None:
                check.report.problems.append(Problem(
                    sheet, p.number, _code_header(projects), "必填,不能为空(项目编号)"))
                p.ok = False
            p.existing = found.get(p.values["project_code"])
        return
    names = {p.values["name"] for p in projects}
    found = {(p.name, p.year): p for p in db.session.scalars(
        select(Project).where(Project.name.in_(names)))}
    taken = set(db.session.scalars(select(Project.code).where(
        Project.code.like("%-%"))))
    counters: dict[int, int] = {}
    for p in projects:
        p.existing = found.get((p.values["name"], p.values["year"]))
        if p.existing is not None:
            p.values["project_code"] = p.existing.code
            continue
        year = p.values["year"]
        n = counters.get(year, 0)
        while True:
            n += 1
            code = f"{year}-{n:04d}"
            if code not in taken:
                break
        counters[year] = n
        taken.add(code)
        p.values["project_code"] = code


#: Project fields a later import does not change, compared to say so.
_KEPT = ("name", "township", "village", "total_investment", "scope", "category")


def _note_differences(check: CountyCheck, p: CountyProject, sheet: str) -> None:
    """A warning for each field of an existing project that the sheet gives otherwise:
    an import adds money and dates, it does not edit a project (the project page does,
    with its history)."""
    existing = p.existing
    for key in _KEPT:
        ours, theirs = getattr(existing, key), p.values.get(key)
        if key in p.headers and theirs is not None and theirs != ours:
            check.report.warnings.append(Note(sheet, p.number, (
                f"「{p.headers[key]}」为「{theirs}」,系统中项目「{existing.code}」为"
                f"「{ours if ours is not None else ''}」:"
                "导入不修改已有项目,如需修改请在项目页修改")))
    if p.values.get("unit") and p.values["unit"] != existing.unit.name:
        check.report.warnings.append(Note(sheet, p.number, (
            f"「{p.headers.get('unit')}」为「{p.values['unit']}」,系统中项目「{existing.code}」"
            f"的责任单位为「{existing.unit.name}」:导入不修改已有项目")))


def _code_header(projects: list[CountyProject]) -> str | None:
    return next((p.headers["project_code"] for p in projects
                 if "project_code" in p.headers), None)


def _voucher(project_code: str, source_code: str, on: dt.date) -> str:
    """The summary payment's voucher number: 期初, the date, and a digest of the pair
    (a code may be 50 characters long; the voucher may not be longer)."""
    digest = hashlib.sha256(f"{project_code}\x00{source_code}".encode()).hexdigest()[:12]
    return f"期初{on:%Y%m%d}-{digest}"


def _pair_totals(project_ids: list[int]) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(allocated, spent) of each existing project × channel pair of these projects."""
    out: dict[tuple[int, int], list[Decimal]] = {}
    if not project_ids:
        return {}
    for i, model in enumerate((Allocation, Disbursement)):
        stmt = (select(model.project_id, model.source_id, func.sum(model.amount))
                .where(model.project_id.in_(project_ids))
                .group_by(model.project_id, model.source_id))
        for pid, sid, total in db.session.execute(stmt):
            out.setdefault((pid, sid), [ZERO, ZERO])[i] = Decimal(total or 0)
    return {k: (v[0], v[1]) for k, v in out.items()}


def _rows(check: CountyCheck, mapping: Mapping, sheet: str) -> dict[str, list[Row]]:
    projects = [p for p in check.converted.projects if p.ok]
    sources = {s.code: s.id for s in db.session.scalars(select(FundSource).where(
        FundSource.code.in_({c.source for c in mapping.mapped().values() if c.source})))}
    existing = [p.existing for p in projects if p.existing is not None]
    pairs = _pair_totals([e.id for e in existing])
    milestones = {(m.project_id, m.kind): m for m in db.session.scalars(
        select(Milestone).where(Milestone.project_id.in_([e.id for e in existing])))
    } if existing else {}
    out: dict[str, list[Row]] = {s.name: [] for s in sheets.DATA_SHEETS}
    #: Summary vouchers of this date already in the ledger (a corrected file of the same
    #: month adds its difference under the next number).
    taken = set(db.session.scalars(select(Disbursement.voucher_no).where(
        Disbursement.voucher_no.like(f"期初{check.as_of:%Y%m%d}-%")))) if check.as_of else set()

    def voucher(code, source):
        base = _voucher(code, source, check.as_of)
        number, n = base, 1
        while number in taken:
            n += 1
            number = f"{base}-{n}"
        taken.add(number)
        return number

    def row(kind, p, values, headers):
        heads = dict(headers)
        heads.setdefault("*", p.headers.get("name"))
        heads.setdefault("project_code", p.headers.get("project_code") or p.headers.get("name"))
        values = {key: None for key in kind.keys} | values  # a column the county lacks
        out[kind.name].append(CountyRow(kind, p.number, values, county_sheet=sheet,
                                        headers=heads))

    for p in projects:
        code = p.values["project_code"]
        if p.existing is None:
            check.new_projects += 1
            row(sheets.PROJECTS, p, dict(p.values), p.headers)
        else:
            check.updated_projects += 1
            _note_differences(check, p, sheet)
        for kind, dates in sorted(p.milestones.items(), key=lambda kv: kv[0].value):
            before = milestones.get((p.existing.id, kind)) if p.existing else None
            values = {"project_code": code, "milestone": kind,
                      "planned_on": before.planned_on if before else None,
                      "done_on": before.done_on if before else None,
                      "note": before.note if before else None, "reason": check.reason}
            values.update(dates)
            if before is not None and (values["planned_on"], values["done_on"]) == (
                    before.planned_on, before.done_on):
                continue
            headers = {k: p.milestone_headers[(kind, k)] for k in ("planned_on", "done_on")
                       if (kind, k) in p.milestone_headers}
            headers["reason"] = headers.get("planned_on")
            row(sheets.MILESTONES, p, values, headers)
        for a in p.amounts:
            if a.source not in sources:  # an unknown channel: reported once, at its header
                continue
            had_allocated, had_paid = pairs.get(
                (p.existing.id, sources[a.source]), (ZERO, ZERO)) if p.existing else (ZERO, ZERO)
            if a.kind == "allocated":
                change = a.amount - had_allocated
                if change:
                    row(sheets.ALLOCATIONS, p, {
                        "project_code": code, "source_code": a.source, "amount": change,
                        "document_no": None, "allocated_on": check.as_of,
                    }, {"amount": a.header, "source_code": a.header,
                        "allocated_on": a.header})
            else:
                change = a.amount - had_paid
                if change < 0:
                    check.report.problems.append(Problem(sheet, p.number, a.header, (
                        f"累计已拨付 {a.amount} 元少于系统中已记录的 {had_paid} 元:"
                        "减少的支出须以冲销凭证录入")))
                elif change and check.as_of is not None:
                    row(sheets.DISBURSEMENTS, p, {
                        "voucher_no": voucher(code, a.source),
                        "project_code": code, "source_code": a.source,
                        "paid_on": check.as_of, "amount": change,
                        "kind": PaymentKind.PROGRESS, "payee": None, "reverses": None,
                        "memo": f"{OPENING_MEMO}:截至{check.as_of.isoformat()}累计已拨付",
                    }, {k: a.header for k in ("amount", "paid_on", "source_code",
                                              "voucher_no", "kind")})
                    check.report.warnings.append(Note(sheet, p.number, (
                        f"「{a.header}」" + MISSING_VOUCHERS.format(
                            amount=change, on=check.as_of.isoformat()))))
    return {k: v for k, v in out.items() if v}


def known_channels() -> list:
    """The existing channels, as the proposal matches them."""
    from .propose import Channel
    return [Channel(s.code, s.name, s.level, s.year)
            for s in db.session.scalars(select(FundSource).order_by(FundSource.code))]
