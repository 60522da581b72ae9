"""绩效自评 (performance self-evaluation): for the projects of a year, their indicators
counted (met, not met, not yet evaluated) with the reasons for the gaps, totals per
责任单位 and a 合计. The one place these figures are computed: the screen
(/projects/evaluation) and the workbook's 绩效自评 sheet read it.

Two statements: the projects in scope, and their indicators. The workbook streams it
instead (``self_evaluation_stream``: one statement, its rows read in chunks, the 小计 and
合计 counted as they pass), since a province has a row per project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import sheets
from ..extensions import db
from ..ledger.filters import LedgerFilter
from ..ledger.reports.base import Streamed, count_of, streamed
from ..money import rate
from ..projects.models import Project, Unit
from .models import PerformanceTarget

#: Words of the rows that are not a project.
SUBTOTAL_LABEL = "小计"


@dataclass
class SelfEvaluation:
    sheet: sheets.Sheet
    as_of: dt.date
    region: str
    #: One row per project, ordered by unit then project code.
    projects: list[dict]
    #: One 小计 row per unit (with projects in scope), by unit name.
    units: list[dict]
    #: The 合计 row.
    total: dict

    @property
    def rows(self) -> list[dict]:
        """What the workbook writes above the 合计: the projects, then the units' 小计."""
        return [*self.projects, *self.units]


def _counts(rows: list[dict]) -> dict:
    """The counts of a group of project rows (a unit's, all of them)."""
    tally = _Tally()
    for r in rows:
        tally.add(r)
    return tally.counts()


def self_evaluation(as_of: dt.date, filt: LedgerFilter | None = None) -> SelfEvaluation:
    """The 绩效自评 of the projects in ``filt`` (its ``year``/``project_year``, unit...;
    储备 projects are not evaluated: they are not in the plan)."""
    filt = filt or LedgerFilter()
    projects = db.session.execute(
        select(Project.id, Project.year, Project.code, Project.name, Project.status,
               Unit.name.label("unit"))
        .join(Unit, Unit.id == Project.unit_id)
        .where(*filt.project_conditions(as_of))
        .order_by(Unit.name, Project.code)).all()
    ids = [p.id for p in projects]
    targets: dict[int, list[PerformanceTarget]] = {}
    if ids:
        stmt = (select(PerformanceTarget)
                .where(PerformanceTarget.project_id.in_(
                    select(Project.id).where(*filt.project_conditions(as_of))))
                .order_by(PerformanceTarget.id))
        for t in db.session.scalars(stmt):
            targets.setdefault(t.project_id, []).append(t)
    rows = [_project_row(p, targets.get(p.id, [])) for p in projects]
    by_unit: dict[str, list[dict]] = {}
    for r in rows:
        by_unit.setdefault(r["unit"], []).append(r)
    units = [_unit_row(unit, _counts(group)) for unit, group in by_unit.items()]
    return SelfEvaluation(sheets.SELF_EVALUATION, as_of,
                          current_app.config["FUNDTRACK_REGION"], rows, units,
                          _total_row(_counts(rows)))


def _project_row(p, items) -> dict:
    """A project's row from its indicators (``items``: with met, name, gap_reason, in
    the order entered)."""
    met = sum(1 for t in items if t.met is True)
    not_met = sum(1 for t in items if t.met is False)
    return {
        "year": p.year,
        "project_code": p.code,
        "name": p.name,
        "unit": p.unit,
        "status": p.status.label,
        "targets": len(items),
        "met": met,
        "not_met": not_met,
        "pending": sum(1 for t in items if t.met is None),
        "met_rate": rate(met, met + not_met),
        "gap_reasons": ";".join(f"{t.name}:{t.gap_reason}" for t in items
                                if t.met is False and t.gap_reason),
    }


def _unit_row(unit: str, counts: dict) -> dict:
    return {"project_code": SUBTOTAL_LABEL, "year": None,
            "name": f"{counts['projects']} 个项目", "unit": unit, "status": "",
            "gap_reasons": "", **counts}


def _total_row(counts: dict) -> dict:
    return {"project_code": sheets.TOTAL_LABEL, "year": None,
            "name": f"{counts['projects']} 个项目", "unit": "", "status": "",
            "gap_reasons": "", **counts}


class _Tally:
    """The counts of a group of project rows, added as they pass (the stream's units and
    合计; ``_counts`` for a list)."""

    def __init__(self):
        self.projects = self.targets = self.met = self.not_met = self.pending = 0

    def add(self, row: dict) -> None:
        self.projects += 1
        self.targets += row["targets"]
        self.met += row["met"]
        self.not_met += row["not_met"]
        self.pending += row["pending"]

    def counts(self) -> dict:
        return {"projects": self.projects, "targets": self.targets, "met": self.met,
                "not_met": self.not_met, "pending": self.pending,
                # of the indicators evaluated, the share met
                "met_rate": rate(self.met, self.met + self.not_met)}


def self_evaluation_stream(as_of: dt.date, filt: LedgerFilter | None = None) -> Streamed:
    """The whole 绩效自评 for the workbook, streamed: one statement (the projects in
    scope, each joined to its indicators, by unit, project code and indicator), read in
    chunks as the rows are written; each unit's 小计 and the 合计 counted as the project
    rows pass. The same rows (the projects, then the units' 小计), order and 合计 as
    ``self_evaluation(as_of, filt)``."""
    filt = filt or LedgerFilter()
    conds = filt.project_conditions(as_of)
    stmt = (
        select(Project.id, Project.year, Project.code, Project.name, Project.status,
               Unit.name.label("unit"), PerformanceTarget.id.label("target_id"),
               PerformanceTarget.name.label("target"), PerformanceTarget.met,
               PerformanceTarget.gap_reason)
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(PerformanceTarget, PerformanceTarget.project_id == Project.id)
        .where(*conds)
        .order_by(Unit.name, Project.code, PerformanceTarget.id))
    units: dict[str, _Tally] = {}
    total = _Tally()

    def project_rows() -> Iterator[dict]:
        current, items = None, []
        for r in streamed(stmt):
            if current is not None and r.id != current.id:
                yield _project_row(current, items)
                items = []
            current = r
            if r.target_id is not None:
                items.append(_Target(r.target, r.met, r.gap_reason))
        if current is not None:
            yield _project_row(current, items)

    def rows() -> Iterator[dict]:
        for row in project_rows():
            units.setdefault(row["unit"], _Tally()).add(row)
            total.add(row)
            yield row
        for unit, tally in units.items():
            yield _unit_row(unit, tally.counts())

    projects = select(Project.id).join(Unit, Unit.id == Project.unit_id).where(*conds)
    unit_names = (select(Unit.name).join(Project, Project.unit_id == Unit.id)
                  .where(*conds).distinct())
    count_projects, count_units = count_of(projects), count_of(unit_names)
    return Streamed(sheets.SELF_EVALUATION, as_of, current_app.config["FUNDTRACK_REGION"],
                    rows(), lambda: _total_row(total.counts()),
                    lambda: count_projects() + count_units())


@dataclass(frozen=True)
class _Target:
    name: str
    met: bool | None
    gap_reason: str | None
