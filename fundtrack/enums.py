"""The fixed vocabularies of the field, each with the Chinese word users read and write.

The code (``value``) is what the database stores; the label is what screens, the
workbook and JSON show. ``from_text`` accepts either.
"""

from __future__ import annotations

import enum
import functools

from sqlalchemy import SmallInteger, String
from sqlalchemy.types import TypeDecorator


@functools.cache
def _by_text(cls) -> dict:
    """A LabelledEnum's members by label and by code as text (the first member in order
    wins a text two would share)."""
    found: dict = {}
    for m in reversed(cls):
        found[str(m.value)] = found[m.label] = m
    return found


class LabelledEnum(enum.Enum):
    def __new__(cls, code, label):
        obj = object.__new__(cls)
        obj._value_ = code
        obj.label = label
        return obj

    def __str__(self) -> str:
        return self.label

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]

    @classmethod
    def from_text(cls, text) -> LabelledEnum:
        """The member named by its Chinese label (or its code); ValueError otherwise."""
        member = _by_text(cls).get(str(text).strip())
        if member is not None:
            return member
        raise ValueError(f"「{text}」不是有效值,应为:{'、'.join(cls.labels())}")


class Level(LabelledEnum):
    """资金级次"""

    CENTRAL = ("central", "中央")
    PROVINCIAL = ("provincial", "省级")
    CITY = ("city", "市级")
    COUNTY = ("county", "县级")
    OTHER = ("other", "其他")


class FundCategory(LabelledEnum):
    """资金类别"""

    POVERTY = ("poverty", "财政专项扶贫资金")
    INTEGRATED = ("integrated", "统筹整合涉农资金")
    EAST_WEST = ("east_west", "东西部协作资金")
    SOCIAL = ("social", "社会帮扶资金")
    OTHER = ("other", "其他")


class PaymentKind(LabelledEnum):
    """支付类型"""

    ADVANCE = ("advance", "预付款")
    PROGRESS = ("progress", "进度款")
    SETTLEMENT = ("settlement", "结算款")
    RETENTION = ("retention", "质保金")
    REVERSAL = ("reversal", "冲销")


class RecoveryDestination(LabelledEnum):
    """去向 of a recovery (资金收回)"""

    UPWARD = ("upward", "上缴上级")
    POOLED = ("pooled", "收回统筹")


class TenderMethod(LabelledEnum):
    """招标方式 of a contract (合同)"""

    OPEN = ("open", "公开招标")
    INVITED = ("invited", "邀请招标")
    NEGOTIATION = ("negotiation", "竞争性谈判")
    INQUIRY = ("inquiry", "询价")
    SINGLE_SOURCE = ("single_source", "单一来源")
    DIRECT = ("direct", "直接委托")


class MilestoneKind(LabelledEnum):
    """节点, in their fixed order (the code is the position)."""

    APPROVED = (1, "立项入库")
    DESIGNED = (2, "设计预算完成")
    REVIEWED = (3, "项目评审")
    TENDERED = (4, "招标完成")
    STARTED = (5, "开工")
    COMPLETED = (6, "完工")
    ACCEPTED = (7, "验收")
    SETTLED = (8, "报账")


class ProjectStatus(LabelledEnum):
    """项目状态: 储备 → 计划 → 实施 → 完工, or 终止 (with a reason)."""

    PROPOSED = ("proposed", "储备")
    PLANNED = ("planned", "计划")
    IMPLEMENTING = ("implementing", "实施")
    COMPLETED = ("completed", "完工")
    STOPPED = ("stopped", "终止")


class TargetCategory(LabelledEnum):
    """绩效目标的指标类别"""

    OUTPUT = ("output", "产出")
    BENEFIT = ("benefit", "效益")
    SATISFACTION = ("satisfaction", "满意度")


class AssetClass(LabelledEnum):
    """资产类别 of a handed-over asset (资产移交/确权)"""

    OPERATING = ("operating", "经营性")
    PUBLIC = ("public", "公益性")
    HOUSEHOLD = ("household", "到户类")


class UnitKind(LabelledEnum):
    """责任单位的类型"""

    BUREAU = ("bureau", "县直部门")
    TOWNSHIP = ("township", "乡镇")


class Role(LabelledEnum):
    ADMIN = ("admin", "系统管理员")
    FINANCE = ("finance", "财政局资金股")
    MANAGER = ("manager", "项目责任单位")
    AUDITOR = ("auditor", "审计")
    VIEWER = ("viewer", "领导督查")


class EnumCode(TypeDecorator):
    """Stores a LabelledEnum by its code."""

    impl = String(20)
    cache_ok = True

    def __init__(self, enum_cls: type[LabelledEnum], length: int = 20):
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self.enum_cls(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_cls(value)


class EnumPosition(EnumCode):
    """Stores a LabelledEnum whose codes are positions (1, 2, ...) as a small integer,
    so that the database can compare and take the maximum."""

    impl = SmallInteger
    cache_ok = True

    def __init__(self, enum_cls: type[LabelledEnum]):
        TypeDecorator.__init__(self)
        self.enum_cls = enum_cls


YES, NO = "是", "否"


#: Every spelling of yes and of no that is read (empty means no).
NO_SPELLINGS = ("", NO, "N", "n", "no", "false", "False", "0")
YES_SPELLINGS = (YES, "Y", "y", "yes", "true", "True", "1")


def parse_yes_no(text) -> bool:
    t = "" if text is None else str(text).strip()
    if t in NO_SPELLINGS:
        return False
    if t in YES_SPELLINGS:
        return True
    raise ValueError(f"「{text}」应为“是”或“否”")
