"""The sheets and columns of the ledger workbook, named exactly as CONTRACT.md fixes them.

Each column has its Chinese header (what the workbook and screens show), its English key
(what JSON and the code use, and what import also accepts as a header), and a kind that
says how a value is read and written. This module is the one place these names live.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    #: text, code (text, never a number), money, rate, int, date, enum, yesno
    kind: str = "text"
    required: bool = False
    #: Column width in the exported workbook (characters).
    width: int = 12


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    #: Computed sheets are written by export and ignored by import.
    computed: bool = False
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "keys", tuple(c.key for c in self.columns))

    def __deepcopy__(self, memo):
        """A sheet is a fixed description that callers compare by identity (``is
        sheets.SUMMARY``): a copied report keeps the sheet itself."""
        return self

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


C = Column

# --- data sheets (import and export) ---------------------------------------------------

SOURCES = Sheet("资金来源", (
    C("source_code", "资金来源编号", "code", True, 14),
    C("name", "资金名称", "text", True, 30),
    C("level", "资金级次", "enum", True, 10),
    C("category", "资金类别", "enum", True, 18),
    C("year", "年度", "int", True, 8),
    C("document_no", "下达文号", "text", False, 24),
    C("amount_issued", "下达金额", "money", True, 16),
    C("issued_on", "下达日期", "date", False, 12),
))

ARRIVALS = Sheet("资金到位", (
    C("source_code", "资金来源编号", "code", True, 14),
    C("arrived_on", "到位日期", "date", True, 12),
    C("amount", "到位金额", "money", True, 16),
    C("note", "备注", "text", False, 30),
))

PROJECTS = Sheet("项目", (
    C("project_code", "项目编号", "code", True, 16),
    C("name", "项目名称", "text", True, 36),
    C("year", "年度", "int", True, 8),
    C("category", "项目类别", "text", False, 12),
    C("township", "乡镇", "text", True, 10),
    C("village", "村", "text", False, 10),
    C("unit", "责任单位", "text", True, 18),
    C("responsible_person", "责任人", "text", False, 10),
    C("phone", "联系电话", "code", False, 14),
    C("scope", "建设内容", "text", False, 40),
    C("total_investment", "总投资", "money", True, 16),
    C("priority", "重点村", "yesno", False, 8),
    #: Optional; empty or missing means 实施 (CONTRACT.md).
    C("status", "项目状态", "enum", False, 8),
))

ALLOCATIONS = Sheet("资金安排", (
    C("project_code", "项目编号", "code", True, 16),
    C("source_code", "资金来源编号", "code", True, 14),
    C("amount", "安排金额", "money", True, 16),
    C("document_no", "文号", "text", False, 24),
    C("allocated_on", "安排日期", "date", False, 12),
))

DISBURSEMENTS = Sheet("支出明细", (
    C("voucher_no", "凭证号", "code", True, 16),
    C("project_code", "项目编号", "code", True, 16),
    C("source_code", "资金来源编号", "code", True, 14),
    C("paid_on", "支付日期", "date", True, 12),
    C("amount", "支付金额", "money", True, 16),
    C("kind", "支付类型", "enum", True, 10),
    C("payee", "收款单位", "text", False, 28),
    C("reverses", "冲销凭证号", "code", False, 16),
    C("memo", "摘要", "text", False, 30),
    #: Optional (a workbook without them imports as before): as the treasury lists them.
    C("payee_account", "收款账号", "code", False, 24),
    C("budget_subject", "预算科目", "text", False, 24),
))

#: Optional on import: a workbook without it imports as before.
RECOVERIES = Sheet("资金收回", (
    C("source_code", "资金来源编号", "code", True, 14),
    C("recovered_on", "收回日期", "date", True, 12),
    C("amount", "收回金额", "money", True, 16),
    C("destination", "去向", "enum", True, 10),
    C("document_no", "文号", "text", False, 24),
    C("reason", "原因", "text", False, 30),
))

#: Optional on import: a workbook without it imports as before.
CONTRACTS = Sheet("合同", (
    C("contract_no", "合同编号", "code", True, 20),
    C("project_code", "项目编号", "code", True, 16),
    C("contractor", "承建单位", "text", True, 28),
    C("amount", "合同金额", "money", True, 16),
    C("signed_on", "签订日期", "date", False, 12),
    C("tender_method", "招标方式", "enum", False, 12),
    C("retention_rate", "质保金比例", "rate", False, 10),
    C("retention_due_on", "质保期满日期", "date", False, 12),
))

MILESTONES = Sheet("项目节点", (
    C("project_code", "项目编号", "code", True, 16),
    C("milestone", "节点", "enum", True, 12),
    C("planned_on", "计划日期", "date", False, 12),
    C("done_on", "实际日期", "date", False, 12),
    C("note", "备注", "text", False, 30),
))

#: 绩效目标 (performance targets), optional on import: one row per indicator, in the
#: order entered; the actual value, 是否达成 and 未达成原因 empty until evaluated.
TARGETS = Sheet("绩效目标", (
    C("project_code", "项目编号", "code", True, 16),
    C("target_category", "指标类别", "enum", True, 10),
    C("name", "指标名称", "text", True, 24),
    C("measure", "计量单位", "text", False, 10),
    C("target", "目标值", "text", True, 12),
    C("actual", "实际值", "text", False, 12),
    C("met", "是否达成", "yesno", False, 10),
    C("gap_reason", "未达成原因", "text", False, 30),
))

#: 资产台账 (asset handovers, 资产移交), optional on import: one row per asset handed over.
ASSETS = Sheet("资产台账", (
    C("project_code", "项目编号", "code", True, 16),
    C("name", "资产名称", "text", True, 28),
    C("asset_class", "资产类别", "enum", True, 10),
    C("value", "资产价值", "money", True, 16),
    C("owner", "产权归属", "text", True, 20),
    C("maintainer", "管护主体", "text", True, 20),
    C("caretaker", "管护责任人", "text", False, 16),
    C("handed_over_on", "移交日期", "date", True, 12),
    C("document_no", "移交文号", "text", False, 24),
))

DATA_SHEETS = (SOURCES, ARRIVALS, PROJECTS, ALLOCATIONS, DISBURSEMENTS, RECOVERIES,
               CONTRACTS, MILESTONES, TARGETS, ASSETS)
#: Data sheets a workbook may lack: an import reports their rows only when there are some.
OPTIONAL_SHEETS = (RECOVERIES, CONTRACTS, TARGETS, ASSETS)

# --- computed sheets (export only) -------------------------------------------------------

PROJECT_LEDGER = Sheet("项目台账", (
    C("project_code", "项目编号", "code", width=16),
    C("name", "项目名称", width=36),
    C("township", "乡镇", width=10),
    C("unit", "责任单位", width=18),
    C("responsible_person", "责任人", width=10),
    C("total_investment", "总投资", "money", width=16),
    C("allocated", "安排资金", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
    C("current_milestone", "当前节点", width=12),
    C("overdue_count", "逾期节点数", "int", width=10),
    C("max_days_overdue", "最长逾期天数", "int", width=12),
), computed=True)

ALLOCATION_LEDGER = Sheet("项目资金台账", (
    C("project_code", "项目编号", "code", width=16),
    C("name", "项目名称", width=36),
    C("source_code", "资金来源编号", "code", width=14),
    C("source_name", "资金名称", width=30),
    C("allocated", "安排资金", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
    C("balance", "结余", "money", width=16),
), computed=True)

FUND_LEDGER = Sheet("资金台账", (
    C("source_code", "资金来源编号", "code", width=14),
    C("name", "资金名称", width=30),
    C("amount_issued", "下达金额", "money", width=16),
    C("arrived", "已到位", "money", width=16),
    C("arrival_rate", "到位率", "rate", width=9),
    C("allocated", "已安排", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("recovered", "已收回", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
    C("balance", "结余", "money", width=16),
), computed=True)

#: 结转结余 (carry-over ledger): ledger/reports/carryover.py.
CARRYOVER = Sheet("结转结余", (
    C("source_code", "资金来源编号", "code", width=14),
    C("name", "资金名称", width=30),
    C("year", "年度", "int", width=8),
    C("carried_in", "上年结转", "money", width=16),
    C("arrived_this_year", "本年到位", "money", width=16),
    C("spent_this_year", "本年支出", "money", width=16),
    C("recovered_this_year", "本年收回", "money", width=16),
    C("balance", "期末结余", "money", width=16),
    C("idle_over_1y", "结存1年以上", "money", width=14),
    C("idle_over_2y", "结存2年以上", "money", width=14),
), computed=True)

OVERDUE_LIST = Sheet("逾期清单", (
    C("project_code", "项目编号", "code", width=16),
    C("name", "项目名称", width=36),
    C("unit", "责任单位", width=18),
    C("responsible_person", "责任人", width=10),
    C("milestone", "节点", width=12),
    C("planned_on", "计划日期", "date", width=12),
    C("days_overdue", "逾期天数", "int", width=10),
), computed=True)

#: Shown on the 逾期清单 screen beside the current plan's delay (not in the workbook's
#: contract sheet): the baseline (基准计划) and the days late against it.
OVERDUE_BASELINE = (
    C("baseline_on", "基准计划日期", "date", width=12),
    C("baseline_days_overdue", "基准逾期天数", "int", width=12),
)

SUMMARY = Sheet("汇总", (
    C("group", "分组", width=10),
    C("name", "名称", width=18),
    C("projects", "项目数", "int", width=8),
    C("started", "开工数", "int", width=8),
    C("start_rate", "开工率", "rate", width=9),
    C("completed", "完工数", "int", width=8),
    C("completion_rate", "完工率", "rate", width=9),
    C("total_investment", "总投资", "money", width=16),
    C("allocated", "安排资金", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
    C("investment_completion_rate", "投资完成率", "rate", width=11),
), computed=True)

COMPUTED_SHEETS = (PROJECT_LEDGER, ALLOCATION_LEDGER, FUND_LEDGER, CARRYOVER, OVERDUE_LIST,
                   SUMMARY)

#: 月报 (monthly report): the fund ledger by channel category, and below it the paragraph
#: the city asks for. Export only, after the contract's sheets; import ignores it.
MONTHLY = Sheet("月报", (
    C("category", "资金类别", width=20),
    C("sources", "渠道数", "int", width=8),
    C("amount_issued", "下达金额", "money", width=16),
    C("arrived", "已到位", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
), computed=True)

#: 要件 (documents): one row per stored document (报账要件), superseded ones included: what
#: is attached to what, with its SHA-256. Export only, after 月报, laid out as a data sheet
#: (header in row 1, no total); import ignores it (documents come with their files, never
#: from a workbook). CONTRACT.md names no such sheet: these headers are the app's own.
DOCUMENTS = Sheet("要件", (
    C("attachment_id", "附件编号", "int", width=9),
    C("owner", "所属", "code", width=24),
    C("kind", "要件类型", width=12),
    C("filename", "文件名", width=30),
    C("sha256", "SHA-256", "code", width=66),
    C("size", "大小(字节)", "int", width=12),
    C("uploaded_by", "上传人", width=10),
    C("uploaded_at", "上传时间", width=18),
    C("supersedes", "替换附件编号", "int", width=12),
), computed=True)

#: 绩效自评 (performance self-evaluation): one row per project (not 储备) with its
#: indicators counted, then one 小计 row per 责任单位, then the 合计 row; from
#: performance/evaluation.py. Export only, after the contract's computed sheets and
#: before 月报; import ignores it.
SELF_EVALUATION = Sheet("绩效自评", (
    C("project_code", "项目编号", "code", width=16),
    C("year", "年度", "int", width=8),
    C("name", "项目名称", width=36),
    C("unit", "责任单位", width=18),
    C("status", "项目状态", width=8),
    C("targets", "指标数", "int", width=8),
    C("met", "已达成", "int", width=8),
    C("not_met", "未达成", "int", width=8),
    C("pending", "未评价", "int", width=8),
    C("met_rate", "达成率", "rate", width=9),
    C("gap_reasons", "未达成原因", width=40),
), computed=True)

# --- the city workbook (上报汇总, reporting/workbook.py) ------------------------------------

#: One row per lower region: the figures of its latest package for the month.
CITY_ROLLUP = Sheet("上报汇总", (
    C("region", "地区", width=14),
    C("level", "级别", width=6),
    C("amount_issued", "下达金额", "money", width=16),
    C("arrived", "已到位", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("recovered", "已收回", "money", width=16),
    C("spending_rate", "支出率", "rate", width=9),
    C("projects", "项目数", "int", width=8),
    C("started", "已开工", "int", width=8),
    C("start_rate", "开工率", "rate", width=9),
    C("completed", "已完工", "int", width=8),
    C("overdue_count", "逾期节点", "int", width=9),
    C("received_at", "收到时间", width=18),
    C("status", "状态", width=8),
), computed=True)

#: A county's 资金台账 as its package carries it (stored by its month close).
REGION_FUND_LEDGER = Sheet("资金台账", (
    C("source_code", "资金来源编号", "code", width=14),
    C("amount_issued", "下达金额", "money", width=16),
    C("arrived", "已到位", "money", width=16),
    C("allocated", "已安排", "money", width=16),
    C("spent", "已支出", "money", width=16),
), computed=True)

#: A city's package (for a province): its regions' figures.
REGION_REGIONS = Sheet("下级地区", (
    C("region", "地区", width=14),
    C("amount_issued", "下达金额", "money", width=16),
    C("arrived", "已到位", "money", width=16),
    C("spent", "已支出", "money", width=16),
    C("recovered", "已收回", "money", width=16),
    C("projects", "项目数", "int", width=8),
    C("started", "已开工", "int", width=8),
    C("completed", "已完工", "int", width=8),
    C("overdue_count", "逾期节点", "int", width=9),
), computed=True)

#: The word in a total row's first cell.
TOTAL_LABEL = "合计"
#: 分组 values of the summary: Chinese in the workbook, English in JSON.
GROUP_TOWNSHIP = ("township", "乡镇")
GROUP_UNIT = ("unit", "责任单位")

#: Excel holds at most this many rows a worksheet. A longer sheet is written in numbered
#: parts, 支出明细, 支出明细(2), 支出明细(3)…, each with its header; import reads the
#: parts back as one sheet.
EXCEL_MAX_ROWS = 1_048_576


def part_name(name: str, part: int) -> str:
    """The worksheet name of part ``part`` (1, 2, ...) of sheet ``name``."""
    return name if part == 1 else f"{name}({part})"


def part_of(name: str) -> tuple[str, int]:
    """``支出明细(2)`` → (``支出明细``, 2); a name without a part number is part 1."""
    if name.endswith(")") and "(" in name:
        base, _, number = name[:-1].rpartition("(")
        if number.isdigit() and int(number) >= 2:
            return base, int(number)
    return name, 1
