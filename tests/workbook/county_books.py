"""Three county ledgers (台账) in their own layouts, as counties keep them in Excel.

- ``queshan``: 确山县. Title rows, 截至 date and 单位:万元 above a two-row header whose
  资金来源 and 已拨付 cells are merged over 中央 / 省级 / 县级, the other header cells merged
  down; the 合计 row right under the header; 项目编号 given; 建设地点 "镇+村" in one cell.
- ``biyang``: 泌阳县. 单位:元, a one-row header with channels side by side (中央资金,
  省级资金 ... 中央已拨付 ...), headings 一、二、 between the projects, no 项目编号, no
  截至 date (the user gives it), the 合计 row at the bottom.
- ``zhengyang``: 正阳县. The unit in each header ((万元)), 财政衔接资金 and 累计拨付 merged
  over 中央 / 省级 / 小计, dates written as text 2024.3.15, 截止 in the title.

Each book's 合计 row holds its own totals; the tests hold fundtrack's figures to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook

D = Decimal


@dataclass
class Ledger:
    path: object
    sheet: str
    #: Σ allocated and Σ paid in yuan, as the 合计 row says.
    allocated: Decimal
    paid: Decimal
    projects: int
    as_of: dt.date | None
    units: set = field(default_factory=set)


def _wan(value: Decimal) -> float:
    return float(value)


# 确山县 ---------------------------------------------------------------------------------

QUESHAN = [
    # code, name, place, scope, unit, (中央, 省级, 县级) 万元, paid (中央, 省级, 县级) 万元,
    # planned start, started, planned done, done
    ("QS2024-001", "竹沟镇肖庄村通组道路硬化工程", "竹沟镇肖庄村", "硬化道路3.2公里,宽4米",
     "确山县交通运输局", ("85.6", "20", "6.25"), ("60", "20", "0"),
     dt.date(2024, 3, 1), dt.date(2024, 3, 12), dt.date(2024, 8, 31), None),
    ("QS2024-002", "任店镇李湾村安全饮水巩固提升工程", "任店镇李湾村",
     "新打机井2眼,铺设管网6.8公里",
     "确山县水利局", ("48.3216", "0", "12.5"), ("30.1", "0", "12.5"),
     dt.date(2024, 4, 1), dt.date(2024, 4, 8), dt.date(2024, 6, 30), dt.date(2024, 6, 20)),
    ("QS2024-003", "石滚河镇香菇大棚产业扶贫项目", "石滚河镇石滚河村", "新建香菇大棚40座",
     "确山县农业农村局", ("120", "35.75", "0"), ("0", "0", "0"),
     dt.date(2024, 5, 15), None, dt.date(2024, 11, 30), None),
    ("QS2024-004", "留庄镇张楼村危房改造项目", "留庄镇张楼村", "改造危房18户",
     "确山县住房和城乡建设局", ("27", "9", "3.6"), ("27", "9", "3.6"),
     dt.date(2024, 3, 10), dt.date(2024, 3, 10), dt.date(2024, 5, 31), dt.date(2024, 5, 28)),
]


QUESHAN_UNITS = {row[4] for row in QUESHAN}


def queshan(path, *, broken: bool = False, as_of=dt.date(2024, 6, 30),
            paid_more: str | None = None) -> Ledger:
    """``broken``: three cells no county should write (an amount in words, 万元 with
    seven decimals, a date in words). ``as_of``, ``paid_more`` (万元 paid since from the
    first project's 中央 money): next month's file."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2024年项目台账"
    ws["A1"] = "确山县2024年财政衔接推进乡村振兴补助资金项目台账"
    ws.merge_cells("A1:Q1")
    ws["A2"] = "填报单位:确山县财政局(盖章)"
    ws["G2"] = f"截至{as_of.year}年{as_of.month}月{as_of.day}日"
    ws["O2"] = "单位:万元"
    heads = ["序号", "项目编号", "项目名称", "建设地点", "建设内容及规模", "责任单位",
             "资金规模", "资金来源", None, None, "已拨付", None, None, "计划开工时间",
             "实际开工时间", "计划完工时间", "实际完工时间", "备注"]
    for j, h in enumerate(heads, start=1):
        if h:
            ws.cell(3, j, h)
    for j, h in enumerate(["中央", "省级", "县级", "中央", "省级", "县级"], start=8):
        ws.cell(4, j, h)
    ws.merge_cells("H3:J3")
    ws.merge_cells("K3:M3")
    for col in "ABCDEFGNOPQR":
        ws.merge_cells(f"{col}3:{col}4")
    alloc = [D(0)] * 3
    paid = [D(0)] * 3
    for i, (code, name, place, scope, unit, a, p, ps, s, pd, d) in enumerate(QUESHAN):
        r = 6 + i
        a = [D(x) for x in a]
        p = [D(x) for x in p]
        if i == 0 and paid_more:
            p[0] += D(paid_more)
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, code)
        ws.cell(r, 3, name)
        ws.cell(r, 4, place)
        ws.cell(r, 5, scope)
        ws.cell(r, 6, unit)
        ws.cell(r, 7, _wan(sum(a)))
        for j, v in enumerate(a + p, start=8):
            ws.cell(r, j, _wan(v) if v else None)
        for j, v in enumerate((ps, s, pd, d), start=14):
            if v:
                ws.cell(r, j, v).number_format = "yyyy-mm-dd"
        alloc = [x + y for x, y in zip(alloc, a, strict=True)]
        paid = [x + y for x, y in zip(paid, p, strict=True)]
    if broken:
        ws["H7"] = "四十万"
        ws["I8"] = 35.1234567
        ws["O9"] = "三月初"
    ws["A5"] = "合计"
    ws.merge_cells("A5:C5")
    ws.cell(5, 7, _wan(sum(alloc)))
    for j, v in enumerate(alloc + paid, start=8):
        ws.cell(5, j, _wan(v))
    wb.save(path)
    return Ledger(path, ws.title, sum(alloc) * 10000, sum(paid) * 10000, len(QUESHAN),
                  as_of, QUESHAN_UNITS)


# 泌阳县 ---------------------------------------------------------------------------------

BIYANG = {
    "一、基础设施类": [
        ("马谷田镇后营村道路提升工程", "马谷田镇", "后营村", "泌阳县交通运输局", "道路",
         (320000, 150000, 0), (200000, 150000, 0), "2024-03-20", "2024-07-15", None),
        ("春水镇双庙村饮水安全工程", "春水镇", "双庙村", "泌阳县水利局", "饮水",
         (186543.21, 0, 40000), (186543.21, 0, 0), "2024-04-02", "2024-06-01",
         "2024-06-20"),
    ],
    "二、产业发展类": [
        ("黄山口乡夏南牛养殖基地建设项目", "黄山口乡", "陈庄村", "泌阳县农业农村局",
         "产业", (900000, 300000, 100000), (450000, 0, 50000), "2024-05-06", None, None),
        ("泌水街道光伏帮扶电站运维项目", "泌水街道", None, "泌阳县乡村振兴局", "产业",
         (0, 0, 85000.5), (0, 0, 85000.5), "2024-02-01", "2024-02-28", "2024-03-10"),
    ],
}


BIYANG_UNITS = {row[3] for rows in BIYANG.values() for row in rows}


def biyang(path, *, extra: list | None = None, paid_more: int = 0) -> Ledger:
    """``extra``: projects added since (a third heading); ``paid_more``: yuan paid since
    from the first project's 中央 money (next month's file)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws["A1"] = "泌阳县2024年统筹整合财政涉农资金项目实施台账"
    ws.merge_cells("A1:P1")
    ws["A2"] = "单位:元"
    heads = ["序号", "项目名称", "乡镇", "村", "实施单位", "项目类别", "总投资", "中央资金",
             "省级资金", "县级资金", "中央已拨付", "省级已拨付", "县级已拨付", "开工时间",
             "完工时间", "验收时间"]
    for j, h in enumerate(heads, start=1):
        ws.cell(3, j, h)
    r, n = 4, 0
    alloc = paid = D(0)
    count = 0
    groups = dict(BIYANG)
    if extra:
        groups["三、新增项目"] = extra
    units = set()
    for heading, rows in groups.items():
        ws.cell(r, 1, heading)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        r += 1
        for name, town, village, unit, cat, a, p, started, done, accepted in rows:
            if n == 0 and paid_more:
                p = (p[0] + paid_more,) + tuple(p[1:])
            n += 1
            count += 1
            units.add(unit)
            values = [n, name, town, village, unit, cat, sum(D(str(x)) for x in a)]
            values += [x or None for x in a] + [x or None for x in p]
            values += [started, done, accepted]
            for j, v in enumerate(values, start=1):
                if v is not None:
                    ws.cell(r, j, float(v) if isinstance(v, Decimal) else v)
            alloc += sum(D(str(x)) for x in a)
            paid += sum(D(str(x)) for x in p)
            r += 1
    ws.cell(r, 1, "合  计")
    ws.cell(r, 7, float(alloc))
    wb.save(path)
    return Ledger(path, ws.title, alloc, paid, count, None, units)


# 正阳县 ---------------------------------------------------------------------------------

ZHENGYANG = [
    ("熊寨镇王庄村高标准农田配套工程", "熊寨镇王庄村", "正阳县农业农村局", "是",
     ("66.8", "13.2"), ("40", "13.2"), "2024.3.15", "2024年10月", "2024.3.18", None),
    ("大林镇杨店村人居环境整治项目", "大林镇杨店村", "正阳县住房和城乡建设局", "否",
     ("25.125", "0"), ("25.125", "0"), "2024.4.1", "2024.7.31", "2024.4.3", "2024.8.20"),
    ("陡沟镇花生产业园冷库建设项目", "陡沟镇郭庄村", "正阳县农业农村局", "是",
     ("150", "50"), ("75.5", "0"), "2024.5.1", "2024.12.31", "2024.5.10", None),
]


ZHENGYANG_UNITS = {row[2] for row in ZHENGYANG}


def zhengyang(path) -> Ledger:
    wb = Workbook()
    ws = wb.active
    ws.title = "衔接资金项目"
    other = wb.create_sheet("说明")
    other["A1"] = "本表由县财政局农业股每月更新"
    ws["A1"] = "正阳县财政衔接资金项目进度台账(截止2024年9月30日)"
    ws.merge_cells("A1:N1")
    heads = ["序号", "项目名称", "建设地点", "主管部门", "是否脱贫村", "项目总投资(万元)",
             "财政衔接资金(万元)", None, None, "累计拨付(万元)", None, None,
             "计划开工时间", "计划完工时间", "实际开工时间", "实际完工时间"]
    for j, h in enumerate(heads, start=1):
        if h:
            ws.cell(3, j, h)
    for j, h in enumerate(["中央", "省级", "小计", "中央", "省级", "小计"], start=7):
        ws.cell(4, j, h)
    ws.merge_cells("G3:I3")
    ws.merge_cells("J3:L3")
    for col in "ABCDEFMNOP":
        ws.merge_cells(f"{col}3:{col}4")
    alloc = paid = D(0)
    for i, (name, place, unit, poor, a, p, ps, pd, s, d) in enumerate(ZHENGYANG):
        r = 5 + i
        a = [D(x) for x in a]
        p = [D(x) for x in p]
        values = [i + 1, name, place, unit, poor, float(sum(a) + D("10")),
                  float(a[0]), float(a[1]), float(sum(a)),
                  float(p[0]), float(p[1]), float(sum(p)), ps, pd, s, d]
        for j, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, j, v)
        alloc += sum(a)
        paid += sum(p)
    r = 5 + len(ZHENGYANG)
    ws.cell(r, 2, "合计")
    ws.cell(r, 9, float(alloc))
    ws.cell(r, 12, float(paid))
    wb.save(path)
    return Ledger(path, ws.title, alloc * 10000, paid * 10000, len(ZHENGYANG),
                  dt.date(2024, 9, 30), {row[2] for row in ZHENGYANG})
