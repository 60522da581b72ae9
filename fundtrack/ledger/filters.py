"""Which projects and channels a ledger covers: the filters of the screens and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..assets.models import AssetHandover
from ..enums import MilestoneKind, ProjectStatus
from ..funds.models import FundSource
from ..milestones.models import Milestone
from ..projects.models import Project, Unit

#: The values of ``LedgerFilter.handover``, as the 项目库's filter shows them.
HANDED_OVER, NOT_HANDED_OVER = "已移交", "未移交"


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
    #: 当前节点 at least this far along the fixed order, as of the report's date.
    reached: MilestoneKind | None = None
    #: Only projects with a milestone overdue as of the report's date.
    overdue_only: bool = False
    #: The projects of that year, funded by channels of any year (年度计划).
    project_year: int | None = None
    #: 项目状态: only projects of this status (储备 included only when asked for here).
    status: ProjectStatus | None = None
    #: The registry's own lists (项目库, the data sheets) show 储备 projects too; every
    #: ledger, rate and warning leaves them out.
    include_proposed: bool = False
    #: 资产移交 as of the report's date: HANDED_OVER (an asset handed over by then) or
    #: NOT_HANDED_OVER (报账 done by then, no asset handed over by then).
    handover: str | None = None

    @property
    def depends_on_date(self) -> bool:
        """Whether the projects in scope depend on the as-of date (milestone filters)."""
        return self.reached is not None or self.overdue_only or self.handover is not None

    def status_conditions(self) -> list:
        """The one scope rule of the registry: a 储备 project is in the registry only,
        so the ledgers, rates and warnings count every project whose status is not 储备
        (a 终止 project keeps its money in the figures)."""
        if self.status is not None:
            return [Project.status == self.status]
        if self.include_proposed:
            return []
        return [Project.status != ProjectStatus.PROPOSED]

    def project_conditions(self, as_of: dt.date | None = None) -> list:
        """WHERE conditions on Project (and nothing else) for the projects in scope.

        The milestone filters (``reached``, ``overdue_only``) are correlated EXISTS
        subqueries on a milestone alias as of ``as_of``, which they require.
        """
        return [*self._narrowing_conditions(as_of), *self.status_conditions()]

    def _narrowing_conditions(self, as_of: dt.date | None = None) -> list:
        """The conditions the user chose (every one but the status rule)."""
        conds = []
        if self.year is not None:
            conds.append(Project.year == self.year)
        if self.project_year is not None:
            conds.append(Project.year == self.project_year)
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
        if self.depends_on_date:
            if as_of is None:
                raise ValueError("the milestone filters need the as-of date")
            conds.extend(self._milestone_conditions(as_of))
        return conds

    def _milestone_conditions(self, as_of: dt.date) -> list:
        # An alias, so that the subquery never correlates with a Milestone of the
        # enclosing statement (the overdue list selects from Milestone itself).
        m = aliased(Milestone)
        conds = []
        if self.reached is not None:
            # the current milestone is the furthest done: at least X iff one of X or
            # a later kind is done
            conds.append(
                select(m.id)
                .where(m.project_id == Project.id, m.kind >= self.reached, m.is_done(as_of))
                .correlate(Project)
                .exists()
            )
        if self.overdue_only:
            conds.append(
                select(m.id)
                .where(m.project_id == Project.id, m.is_overdue(as_of))
                .correlate(Project)
                .exists()
            )
        if self.handover is not None:
            handed = (select(AssetHandover.id)
                      .where(AssetHandover.project_id == Project.id,
                             AssetHandover.handed_over_on <= as_of)
                      .correlate(Project).exists())
            if self.handover == HANDED_OVER:
                conds.append(handed)
            else:
                settled = (select(m.id)
                           .where(m.project_id == Project.id,
                                  m.kind == MilestoneKind.SETTLED, m.is_done(as_of))
                           .correlate(Project).exists())
                conds.extend([settled, ~handed])
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
        """Whether a selection of projects was asked for (the status rule alone is none:
        a 储备 project has no allocation, see ``project_ids``)."""
        return (self.depends_on_date or bool(self._narrowing_conditions())
                or self.status is not None)

    def project_ids(self, as_of: dt.date | None = None):
        """A subquery of the ids of the projects in scope (None when all are), for the
        money rows: a 储备 project has neither allocations nor payments (funds/service.py
        refuses them), so the status rule alone needs no condition on money."""
        if not self.narrows_projects:
            return None
        conds = self.project_conditions(as_of)
        return select(Project.id).where(*conds)

    def source_ids(self):
        conds = self.source_conditions()
        return select(FundSource.id).where(*conds) if conds else None
