"""What a county's column may be mapped to: fundtrack's fields, and the mapping itself.

A mapping is kept by the county's header names (not positions), so that next month's file
with a column moved or added still maps; it serialises to JSON for saved mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...enums import MilestoneKind

#: The units an amount column may be in, and their factor to yuan.
UNITS = {"元": 1, "万元": 10000}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    #: text, code, int, money, date, yesno, place (乡镇 and 村 in one cell),
    #: channel (an amount of one funding channel)
    kind: str


_PROJECT = (
    Target("project_code", "项目编号", "code"),
    Target("name", "项目名称", "text"),
    Target("year", "年度", "int"),
    Target("category", "项目类别", "text"),
    Target("township", "乡镇", "text"),
    Target("village", "村", "text"),
    Target("place", "建设地点(乡镇+村)", "place"),
    Target("unit", "责任单位", "text"),
    Target("responsible_person", "责任人", "text"),
    Target("phone", "联系电话", "code"),
    Target("scope", "建设内容", "text"),
    Target("total_investment", "总投资", "money"),
    Target("priority", "重点村", "yesno"),
    Target("allocated", "资金安排(按渠道)", "channel"),
    Target("paid", "累计已拨付(按渠道,期初数)", "channel"),
)
_MILESTONES = tuple(
    Target(f"{when}:{kind.label}", f"{kind.label}{what}", "date")
    for kind in MilestoneKind
    for when, what in (("planned", "计划日期"), ("done", "实际日期"))
)

TARGETS: dict[str, Target] = {t.key: t for t in _PROJECT + _MILESTONES}
#: Fields that may be mapped by several columns (one per channel).
MANY = {"allocated", "paid"}
#: Needed for a project: mapped, or (乡镇) given by 建设地点.
REQUIRED = ("name", "unit")


def milestone_of(key: str) -> tuple[str, MilestoneKind] | None:
    """("planned" or "done", the milestone) of a milestone date field, else None."""
    when, _, label = key.partition(":")
    if when in ("planned", "done") and label:
        return when, MilestoneKind.from_text(label)
    return None


@dataclass
class ColumnMap:
    #: A key of TARGETS; "" leaves the column out.
    field: str = ""
    #: The channel's 资金来源编号, for allocated and paid.
    source: str | None = None
    #: For money and channel columns: 元 or 万元.
    unit: str = "元"

    def to_json(self) -> dict:
        return {"field": self.field, "source": self.source, "unit": self.unit}


@dataclass
class Mapping:
    #: The county's header name → what it is.
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    #: The county's name of a responsible unit → the unit's name in fundtrack.
    units: dict[str, str] = field(default_factory=dict)
    #: The sheet the mapping was made on (a saved mapping opens it next time).
    sheet: str | None = None
    #: The county's spelling of a village → the spelling fundtrack's projects use.
    villages: dict[str, str] = field(default_factory=dict)

    def mapped(self) -> dict[str, ColumnMap]:
        return {name: c for name, c in self.columns.items() if c.field}

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "units": dict(self.units),
                "villages": dict(self.villages),
                "columns": {name: c.to_json() for name, c in self.columns.items()}}

    @classmethod
    def from_json(cls, data: dict) -> Mapping:
        columns = {
            str(name): ColumnMap(field=str(c.get("field") or ""), source=c.get("source"),
                                 unit=c.get("unit") if c.get("unit") in UNITS else "元")
            for name, c in (data.get("columns") or {}).items()
        }
        units = {str(k): str(v) for k, v in (data.get("units") or {}).items() if v}
        villages = {str(k): str(v) for k, v in (data.get("villages") or {}).items() if v}
        return cls(columns=columns, units=units, sheet=data.get("sheet"), villages=villages)
