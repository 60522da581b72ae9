"""预警: early warnings as of any date, computed from the ledger and the milestones.

Warnings never refuse anything; they point at what a user should look at.
"""

from .report import WarningReport, counts, warning_report
from .rules import RULES, Alert, Level, all_warnings

__all__ = ["RULES", "Alert", "Level", "WarningReport", "all_warnings", "counts",
           "warning_report"]
