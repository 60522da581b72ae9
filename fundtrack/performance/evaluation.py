"""绩效自评 (performance self-evaluation): for the projects of a year, their indicators
counted (met, not met, not yet evaluated) with the reasons for the gaps, totals per
责任单位 and a 合计. The one place these figures are computed: the screen
(/projects/evaluation) and the workbook's 绩效自评 sheet read it.

Two statements: the projects in scope, and their indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import sheets
from ..extensions import db
from ..ledger.filters import LedgerFilter
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
    met = sum(r["met"] for r in rows)
    not_met = sum(r["not_met"] for r in rows)
    return {
        "projects": len(rows),
        "targets": sum(r["targets"] for r in rows),
        "met": met,
        "not_met": not_met,
        "pending": sum(r["pending"] for r in rows),
        # of the indicators evaluated, the share met
        "met_rate": rate(met, met + not_met),
    }


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
    rows = []
    for p in projects:
        items = targets.get(p.id, [])
        met = sum(1 for t in items if t.met is True)
        not_met = sum(1 for t in items if t.met is False)
        rows.append({
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
        })
    by_unit: dict[str, list[dict]] = {}
    for r in rows:
        by_unit.setdefault(r["unit"], []).append(r)
    units = [{"project_code": SUBTOTAL_LABEL, "year": None,
              "name": f"{len(group)} 个项目", "unit": unit, "status": "", "gap_reasons": "",
              **_counts(group)}
             for unit, group in by_unit.items()]
    c = _counts(rows)
    total = {"project_code": sheets.TOTAL_LABEL, "year": None,
             "name": f"{c['projects']} 个项目", "unit": "", "status": "", "gap_reasons": "",
             **c}
    return SelfEvaluation(sheets.SELF_EVALUATION, as_of,
                          current_app.config["FUNDTRACK_REGION"], rows, units, total)
