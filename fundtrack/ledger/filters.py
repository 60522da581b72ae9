"""Which projects and channels a ledger covers: the filters of the screens and the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..funds.models import FundSource
from ..projects.models import Project, Unit


@dataclass(frozen=True)
class LedgerFilter:
    #: 年度: keeps the projects AND the channels of that year (as `export --year` does).
    year: int | None = None
    township: str | None = None
    #: 责任单位, by name.
    unit: str | None = None
    #: 项目类别
    category: str | None = None
    #: 重点村: True only priority villages, False only others.
    priority: bool | None = None
    village: str | None = None
    #: Part of a project's code or name.
    search: str | None = None
    #: One project (its page) or one channel (its page).
    project_code: str | None = None
    source_code: str | None = None

    def project_conditions(self) -> list:
        """WHERE conditions on Project (and nothing else) for the projects in scope."""
        conds = []
        if self.year is not None:
            conds.append(Project.year == self.year)
        if self.township:
            conds.append(Project.township == self.township)
        if self.unit:
            conds.append(Project.unit_id.in_(select(Unit.id).where(Unit.name == self.unit)))
        if self.category:
            conds.append(Project.category == self.category)
        if self.priority is not None:
            conds.append(Project.priority.is_(self.priority))
        if self.village:
            conds.append(Project.village == self.village)
        if self.search:
            conds.append(
                Project.code.contains(self.search, autoescape=True)
                | Project.name.contains(self.search, autoescape=True)
            )
        if self.project_code:
            conds.append(Project.code == self.project_code)
        return conds

    def source_conditions(self) -> list:
        """WHERE conditions on FundSource for the channels in scope."""
        conds = []
        if self.year is not None:
            conds.append(FundSource.year == self.year)
        if self.source_code:
            conds.append(FundSource.code == self.source_code)
        return conds

    @property
    def narrows_projects(self) -> bool:
        return bool(self.project_conditions())

    def project_ids(self):
        """A subquery of the ids of the projects in scope (None when all are)."""
        conds = self.project_conditions()
        return select(Project.id).where(*conds) if conds else None

    def source_ids(self):
        conds = self.source_conditions()
        return select(FundSource.id).where(*conds) if conds else None
