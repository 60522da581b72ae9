"""Reading and changing the settings, one module per group; every change goes into the
change history (store.py). Other packages import the settings from here:

- durations.py: the standard durations of back-scheduling (倒排工期);
- tendering.py: the tendering threshold (招标限额);
- warning_thresholds.py: the warning thresholds (预警阈值);
- share_targets.py: the 重点村占比 targets;
- disclosure.py: the complaint phone and public address of the notices (公示);
- year_thresholds.py: the year's warning thresholds (结存, 报账后结余未调减);
- checklist.py: the documents each payment kind needs (要件清单);
- treasury_headers.py: the county's names for the treasury export's columns (对账).
"""

from __future__ import annotations

from .checklist import (
    CHECKLIST_KEY,
    CHECKLIST_KINDS,
    DEFAULT_CHECKLIST,
    checklist_field,
    get_checklist,
    set_checklist,
)
from .disclosure import (
    COMPLAINT_PHONE_KEY,
    PUBLIC_URL_KEY,
    complaint_phone,
    public_url,
    set_complaint_phone,
    set_public_url,
)
from .durations import (
    DEFAULT_DURATIONS,
    DURATION_KINDS,
    DURATIONS_KEY,
    MAX_DURATION,
    duration_field,
    get_durations,
    set_durations,
)
from .percent import parse_percent, percent_text
from .share_targets import (
    CHANNEL_SHARE_KEY,
    DEFAULT_CHANNEL_SHARE,
    DEFAULT_UNIT_SHARE,
    SHARE_FIELDS,
    UNIT_SHARE_KEY,
    set_share_targets,
    share_targets,
)
from .tendering import THRESHOLD_KEY, set_tender_threshold, tender_threshold
from .treasury_headers import (
    TREASURY_HEADERS_KEY,
    set_treasury_headers,
    treasury_headers,
)
from .warning_thresholds import (
    WARNING_FIELDS,
    WARNINGS_KEY,
    WarningThresholds,
    get_warning_thresholds,
    set_warning_thresholds,
)
from .year_thresholds import (
    YEAR_FIELDS,
    YEAR_THRESHOLDS_KEY,
    YearThresholds,
    get_year_thresholds,
    set_year_thresholds,
)

__all__ = [
    "CHANNEL_SHARE_KEY", "COMPLAINT_PHONE_KEY", "DEFAULT_CHANNEL_SHARE", "DEFAULT_DURATIONS",
    "DEFAULT_UNIT_SHARE", "DURATIONS_KEY", "DURATION_KINDS", "MAX_DURATION", "PUBLIC_URL_KEY",
    "SHARE_FIELDS", "THRESHOLD_KEY", "TREASURY_HEADERS_KEY", "UNIT_SHARE_KEY", "WARNINGS_KEY",
    "WARNING_FIELDS",
    "WarningThresholds", "complaint_phone", "duration_field", "get_durations",
    "get_warning_thresholds", "parse_percent", "percent_text", "public_url",
    "set_complaint_phone", "set_durations", "set_public_url", "set_share_targets",
    "set_tender_threshold", "set_treasury_headers", "set_warning_thresholds",
    "share_targets", "tender_threshold", "treasury_headers",
    "YEAR_FIELDS", "YEAR_THRESHOLDS_KEY", "YearThresholds", "get_year_thresholds",
    "set_year_thresholds", "CHECKLIST_KEY", "CHECKLIST_KINDS", "DEFAULT_CHECKLIST",
    "checklist_field", "get_checklist", "set_checklist",
]
