"""The figures of the public disclosure (公示), as of a date: projects counted and their
total investment summed by township and village, the project list, and one project's
channels with what each allocated to it.

Only public columns are selected here: never a responsible person, a phone number, a
payee or a voucher. Each function is a fixed number of statements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, cast, func, literal, select, union_all

from ..extensions import db
from ..funds.models import FundSource
from ..money import ZERO
from ..paging import Page, count_rows, limit_page
from ..projects.models import Project, Unit
from . import queries as q
from .filters import LedgerFilter
from .reports import allocation_ledger


@dataclass
class Place:
    """A township or a village: how many projects, how much total investment."""

    name: str | None
    projects: int = 0
    total_investment: Decimal = ZERO
    villages: list[Place] = field(default_factory=list)


def places(filt: LedgerFilter) -> tuple[list[Place], Place]:
    """Townships (each with its villages) and the 合计, from one grouping statement."""
    stmt = (
        select(
            Project.township,
            Project.village,
            func.count(Project.id).label("projects"),
            func.sum(Project.total_investment).label("total_investment"),
        )
        .where(*filt.project_conditions())
        .group_by(Project.township, Project.village)
        .order_by(Project.township, Project.village.nulls_first())
    )
    townships: dict[str, Place] = {}
    total = Place(None)
    for r in db.session.execute(stmt):
        investment = r.total_investment or ZERO
        town = townships.setdefault(r.township, Place(r.township))
        town.villages.append(Place(r.village, r.projects, investment))
        for place in (town, total):
            place.projects += r.projects
            place.total_investment += investment
    return list(townships.values()), total


def project_list(as_of: dt.date, filt: LedgerFilter, page: int, per_page: int) -> Page:
    """One page of the projects in scope, by township, village and code, with their
    current milestone as of D (two statements: the rows and the count)."""
    ms = q.milestone_stats(as_of)
    stmt = (
        select(
            Project.code,
            Project.name,
            Project.year,
            Project.township,
            Project.village,
            Unit.name.label("unit"),
            Project.total_investment,
            ms.c.current,
        )
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(*filt.project_conditions())
    )
    ordered = stmt.order_by(Project.township, Project.village.nulls_first(), Project.code)
    rows = [
        {
            "project_code": r.code,
            "name": r.name,
            "year": r.year,
            "township": r.township,
            "village": r.village,
            "unit": r.unit,
            "total_investment": r.total_investment,
            "current_milestone": r.current.label if r.current else None,
        }
        for r in db.session.execute(limit_page(ordered, page, per_page))
    ]
    return Page(rows, page, per_page, count_rows(stmt))


def place_choices(township: str | None = None) -> dict[str, list]:
    """The years and townships the public filter offers, and the villages of
    ``township`` (of every township when none is chosen). One statement."""
    def values(kind, column, *where):
        return select(literal(kind).label("kind"), cast(column, String).label("value")) \
            .where(column.is_not(None), *where).distinct()

    village_where = [Project.township == township] if township else []
    stmt = union_all(
        values("year", Project.year),
        values("township", Project.township),
        values("village", Project.village, *village_where),
    )
    out: dict[str, set] = {"year": set(), "township": set(), "village": set()}
    for kind, value in db.session.execute(stmt):
        if value not in (None, ""):
            out[kind].add(value)
    return {
        "years": sorted((int(y) for y in out["year"]), reverse=True),
        "townships": sorted(out["township"]),
        "villages": sorted(out["village"]),
    }


def project_channels(as_of: dt.date, project_code: str) -> tuple[list[dict], Decimal]:
    """A project's channels (资金名称, 级次) and what each allocated to it as of D, from the
    项目资金台账, with their 合计. Three statements."""
    report = allocation_ledger(as_of, LedgerFilter(project_code=project_code))
    codes = [r["source_code"] for r in report.rows]
    levels = dict(db.session.execute(
        select(FundSource.code, FundSource.level).where(FundSource.code.in_(codes))
    ).all()) if codes else {}
    rows = [
        {
            "source_name": r["source_name"],
            "level": levels[r["source_code"]].label,
            "allocated": r["allocated"],
        }
        for r in report.rows
    ]
    return rows, report.total["allocated"]
