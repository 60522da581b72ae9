"""The computed reports of the contract, as of a date, with their totals.

Each report is a fixed number of statements: the rows (one aggregating query) and, for a
page, the total row (one more, which also counts the rows; the overdue list, which has no
total, counts them instead). Without paging every row is fetched and the total is their
exact sum, so a whole report is one statement. A rate is computed here, once,
from the amounts of its own row (a total row's rate from the summed amounts).

One module per report; the registry (REGISTRY, in the tab, sheet and API order) names
each with its title and columns (its sheet), its API path and its function, and the
screens, the API, the OpenAPI description and the workbook all read it: a new report is
one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ... import sheets
from .allocations import allocation_ledger, allocation_ledger_stream
from .base import Report, ReportFunction, Streamed
from .carryover import carryover
from .funds import fund_ledger, fund_row
from .overdue import overdue_list, overdue_list_stream
from .projects import project_ledger, project_ledger_stream
from .summary import summary, summary_total


@dataclass(frozen=True)
class ReportKind:
    """A report as the screens, the API, the OpenAPI description and the workbook list it."""

    #: The report's name in URLs: /ledger/<name>, /api/v1/ledger/<name>.
    name: str
    #: Its Chinese title (the tab, the page, the workbook sheet) and its columns.
    sheet: sheets.Sheet
    function: ReportFunction
    #: Whether it has a 合计 row (the overdue list has none).
    has_total: bool = True
    #: The whole report streamed for the workbook, (as_of, filt) → Streamed, for the
    #: reports that grow with the ledger; None: the workbook takes ``function``'s.
    stream: Callable[..., Streamed] | None = None

    @property
    def title(self) -> str:
        return self.sheet.name

    @property
    def columns(self) -> tuple[sheets.Column, ...]:
        return self.sheet.columns

    @property
    def api_path(self) -> str:
        return f"/api/v1/ledger/{self.name}"


#: Every report, in the contract's order (the tabs, the API, the workbook's sheets).
REGISTRY: tuple[ReportKind, ...] = (
    ReportKind("projects", sheets.PROJECT_LEDGER, project_ledger,
               stream=project_ledger_stream),
    ReportKind("allocations", sheets.ALLOCATION_LEDGER, allocation_ledger,
               stream=allocation_ledger_stream),
    ReportKind("funds", sheets.FUND_LEDGER, fund_ledger),
    ReportKind("carryover", sheets.CARRYOVER, carryover),
    ReportKind("overdue", sheets.OVERDUE_LIST, overdue_list, has_total=False,
               stream=overdue_list_stream),
    ReportKind("summary", sheets.SUMMARY, summary),
)

#: The reports by the name the API uses (/api/v1/ledger/<name>), from REGISTRY.
REPORTS: dict[str, ReportFunction] = {kind.name: kind.function for kind in REGISTRY}

__all__ = [
    "REGISTRY",
    "REPORTS",
    "Report",
    "ReportFunction",
    "ReportKind",
    "Streamed",
    "allocation_ledger",
    "carryover",
    "fund_ledger",
    "fund_row",
    "overdue_list",
    "project_ledger",
    "summary",
    "summary_total",
]
