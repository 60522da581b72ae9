"""The proposed mapping: the county's header names read through a table of the words
county ledgers use for each of fundtrack's fields.

A name is normalised first (spaces, line breaks and full-width brackets out, a unit in
brackets such as (万元) taken as the column's unit). A two-row header's name is
"资金来源/中央": the upper part says what the amounts are (安排 or 拨付), the lower one the
channel, matched to an existing channel by its level (中央, 省级, ...) and year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ...enums import Level
from .fields import ColumnMap, Mapping

#: Field → the names county ledgers give it (normalised: no spaces, ASCII brackets).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "project_code": ("项目编号", "项目代码", "项目库编号", "编号", "项目编码"),
    "name": ("项目名称", "名称", "项目"),
    "year": ("年度", "项目年度", "实施年度", "年份"),
    "category": ("项目类别", "项目类型", "类别", "建设性质", "项目性质"),
    "township": ("乡镇", "乡(镇)", "所属乡镇", "实施乡镇", "乡镇名称"),
    "village": ("村", "行政村", "村名", "实施村", "所属村"),
    "place": ("建设地点", "实施地点", "项目地点", "项目实施地点"),
    "unit": ("责任单位", "实施单位", "项目实施单位", "主管部门", "项目主管单位",
             "项目责任单位", "主管单位"),
    "responsible_person": ("责任人", "项目负责人", "负责人"),
    "phone": ("联系电话", "电话", "联系方式"),
    "scope": ("建设内容", "建设内容及规模", "建设规模及内容", "主要建设内容", "建设规模"),
    "total_investment": ("总投资", "项目总投资", "资金规模", "投资规模", "计划总投资",
                         "总投资额"),
    "priority": ("重点村", "是否重点村", "是否贫困村", "是否脱贫村", "是否重点帮扶村"),
    "planned:开工": ("计划开工时间", "计划开工日期", "计划开工"),
    "done:开工": ("实际开工时间", "实际开工日期", "开工时间", "开工日期"),
    "planned:完工": ("计划完工时间", "计划完工日期", "计划竣工时间", "计划竣工日期"),
    "done:完工": ("实际完工时间", "实际完工日期", "完工时间", "完工日期", "竣工时间",
                "实际竣工时间", "竣工日期"),
    "done:验收": ("验收时间", "验收日期", "实际验收时间"),
    "planned:验收": ("计划验收时间",),
    "done:报账": ("报账时间", "报账日期"),
    "done:招标完成": ("招标完成时间", "招标时间", "招标日期"),
    "done:立项入库": ("立项时间", "入库时间", "立项入库时间"),
}
#: Names that are no field: left out.
IGNORED = ("序号", "备注", "说明")
#: An upper header over channel columns that are payments, not allocations.
_PAID_WORDS = ("拨付", "支付", "支出", "已付", "报账")
#: Words that make a name an amount of money (an upper header or the column itself).
_MONEY_WORDS = ("资金", "金额", "投资", "拨付", "支付", "支出", "安排")
#: A channel column's level word → the level of fundtrack's channels.
LEVEL_WORDS = {
    "中央": Level.CENTRAL, "省级": Level.PROVINCIAL, "省": Level.PROVINCIAL,
    "市级": Level.CITY, "市": Level.CITY, "县级": Level.COUNTY, "县": Level.COUNTY,
    "其他": Level.OTHER,
}
#: The column a channel group's own sum is in: left out (it is a sum of the others).
_SUMS = ("合计", "小计", "总计")
#: The cumulative payment of a project, in one column.
_PAID_ALONE = ("已拨付", "累计拨付", "累计已拨付", "已拨付资金", "累计支出", "已支出",
               "已拨付金额", "拨付资金")

_UNIT_IN_NAME = re.compile(r"[((]\s*(万元|元)\s*[))]")
_BRACKETS = str.maketrans({"(": "(", ")": ")"})


def normalise(name) -> str:
    """A header cell's name without spaces, line breaks and the unit in brackets."""
    text = unicodedata.normalize("NFKC", str(name or "")).translate(_BRACKETS)
    text = _UNIT_IN_NAME.sub("", text)
    return re.sub(r"\s+", "", text)


def unit_in_name(name) -> str | None:
    """万元 or 元 when the header names its unit ("资金规模(万元)")."""
    m = _UNIT_IN_NAME.search(unicodedata.normalize("NFKC", str(name or "")))
    return m.group(1) if m else None


@dataclass(frozen=True)
class Channel:
    """An existing channel, as the proposal needs it."""
    code: str
    name: str
    level: Level
    year: int


def _field_of(name: str) -> str | None:
    """The field a (normalised) single name stands for, if the table knows it."""
    for key, words in SYNONYMS.items():
        if name in words:
            return key
    return None


def channel_part(name: str) -> tuple[str, str] | None:
    """("allocated" or "paid", the level word) of a channel column's name, else None:
    "资金来源/中央", "已拨付/县级", "中央资金", "省级已拨付" ..."""
    upper, _, lower = name.rpartition("/")
    for word in sorted(LEVEL_WORDS, key=len, reverse=True):
        if lower == word or lower in (f"{word}资金", f"{word}财政", f"{word}财政资金"):
            if upper and not any(w in upper for w in _MONEY_WORDS + ("来源", "构成")):
                return None
            return ("paid" if any(w in upper for w in _PAID_WORDS) else "allocated"), word
        if lower.startswith(word) and any(w in lower for w in _MONEY_WORDS) and not upper:
            rest = lower[len(word):]
            return ("paid" if any(w in rest for w in _PAID_WORDS) else "allocated"), word
        if not upper and lower.endswith(word) and any(w in lower for w in _PAID_WORDS):
            return "paid", word
    return None


def recognised(name) -> bool:
    """The table knows this name (the header finder counts these)."""
    n = normalise(name)
    return bool(_field_of(n) or n in IGNORED or channel_part(n) or n in _PAID_ALONE
                or n in LEVEL_WORDS or n in _SUMS)


def _channel_for(word: str, channels: Iterable[Channel], year: int | None) -> str | None:
    """The one existing channel of that level (and of the ledger's year, when several)."""
    level = LEVEL_WORDS[word]
    same = [c for c in channels if c.level == level]
    if len(same) > 1 and year is not None:
        same = [c for c in same if c.year == year]
    return same[0].code if len(same) == 1 else None


def propose(names: Iterable[str], *, channels: Iterable[Channel] = (), year: int | None = None,
            unit: str | None = None) -> Mapping:
    """A mapping for the header ``names`` (combined, one per column): each column's
    field by the table, a channel column matched to the one existing channel of its
    level, amounts in the unit their name gives, else ``unit`` (the title's 单位), else
    元. A field is proposed for its first column only; an unknown name is left out."""
    channels = list(channels)
    mapping = Mapping()
    taken: set[str] = set()
    for raw in names:
        if not raw or raw in mapping.columns:
            continue
        n = normalise(raw)
        column_unit = unit_in_name(raw) or unit or "元"
        found = ColumnMap(unit=column_unit if column_unit in ("元", "万元") else "元")
        part = channel_part(n)
        field = _field_of(n.rpartition("/")[2]) if "/" in n else _field_of(n)
        if part is not None:
            what, word = part
            found.field = what
            found.source = _channel_for(word, channels, year)
        elif n.rpartition("/")[2] in _SUMS or n in IGNORED:
            pass
        elif n in _PAID_ALONE and "paid" not in taken:
            found.field = "paid"
            found.source = channels[0].code if len(channels) == 1 else None
        elif field is not None and field not in taken:
            found.field = field
        if found.field and found.field not in ("allocated", "paid"):
            taken.add(found.field)
        mapping.columns[raw] = found
    return mapping
