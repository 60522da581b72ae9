"""The ledger figures (台账), as of any date: the one module that computes them.

Screens, the API and the workbook all call these functions; none computes a figure
itself. Each report is a fixed number of aggregating SQL statements, whatever the
number of projects.
"""

from .dashboard import by_category as by_category
from .filters import LedgerFilter
from .reports import (
    REPORTS,
    Report,
    allocation_ledger,
    carryover,
    fund_ledger,
    overdue_list,
    project_ledger,
    summary,
)

__all__ = [
    "REPORTS",
    "LedgerFilter",
    "Report",
    "allocation_ledger",
    "carryover",
    "fund_ledger",
    "overdue_list",
    "project_ledger",
    "summary",
]
