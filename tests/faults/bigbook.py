"""A sound workbook large enough that importing it takes seconds: N projects, each with
an allocation from one of a few channels, two payments, a reversal now and then and a
few milestones. Written with tests/workbook/builder.py, the way a user's file is."""

from __future__ import annotations

import datetime as dt

from tests.workbook.builder import Book

UNITS = ("县交通运输局", "县水利局", "县农业农村局")
TOWNSHIPS = ("城关镇", "李新店镇", "北关镇")


def big_book(projects: int, channels: int = 5) -> Book:
    b = Book()
    per_channel = -(-projects // channels)
    for c in range(channels):
        code = f"ZY{c:02d}"
        b.add("资金来源", source_code=code, name=f"中央财政衔接推进乡村振兴补助资金{c}",
              level="中央", category="财政专项扶贫资金", year=2024,
              document_no=f"财农〔2024〕{c}号", amount_issued=per_channel * 100000,
              issued_on=dt.date(2024, 1, 10))
        b.add("资金到位", source_code=code, arrived_on=dt.date(2024, 2, 1),
              amount=per_channel * 60000)
        b.add("资金到位", source_code=code, arrived_on="2024-06-01", amount=per_channel * 30000,
              note="第二批")
    for p in range(projects):
        code = f"XM{p:05d}"
        channel = f"ZY{p % channels:02d}"
        b.add("项目", project_code=code, name=f"第{p}村道路硬化工程", year=2024,
              category="基础设施", township=TOWNSHIPS[p % 3], village=f"第{p}村",
              unit=UNITS[p % 3], responsible_person="张三", phone="03961234567",
              total_investment=120000, priority="是" if p % 2 else "否")
        b.add("项目节点", project_code=code, milestone="开工", planned_on="2024-03-01",
              done_on="2024-03-05")
        b.add("项目节点", project_code=code, milestone="完工", planned_on="2024-08-01")
        b.add("资金安排", project_code=code, source_code=channel, amount=90000,
              document_no="县整合〔2024〕3号", allocated_on="2024-02-15")
        b.add("支出明细", voucher_no=f"PZ{p:05d}A", project_code=code, source_code=channel,
              paid_on="2024-03-10", amount=30000, kind="预付款", payee="某某建筑公司")
        b.add("支出明细", voucher_no=f"PZ{p:05d}B", project_code=code, source_code=channel,
              paid_on="2024-06-10", amount="20000.55", kind="进度款", payee="某某建筑公司")
        if p % 4 == 0:
            b.add("支出明细", voucher_no=f"PZ{p:05d}C", project_code=code, source_code=channel,
                  paid_on="2024-06-20", amount="-0.55", kind="冲销", reverses=f"PZ{p:05d}B",
                  memo="红字冲回")
    return b
