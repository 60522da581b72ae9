"""A small county's payments and a treasury export built from them (issue 19): the same
payments as the treasury lists them, then rows left out, added and changed."""

from __future__ import annotations

import datetime as dt

import openpyxl

from fundtrack.database import unit_of_work
from fundtrack.enums import FundCategory, Level, PaymentKind
from fundtrack.funds import service as funds
from tests import factories as f

HEADER = ["支付凭证号", "支付日期", "支付金额", "收款人", "收款账号", "预算科目", "指标文号"]
PAYEES = ["县路桥公司", "东村合作社", "某某建筑公司", "县水务公司"]


def build_ledger(app) -> None:
    """Two channels, three projects, 12 payments in 2024 (PZ001–PZ012), one reversed
    whole (PZ003 by CX001), one in part (PZ005 by CX002, 1,000.00 back), and a payment of
    2023 and one of 2025, outside the export's range."""
    with app.app_context(), unit_of_work("测试"):
        zy = funds.create_source(code="ZY01", name="中央衔接资金", level=Level.CENTRAL,
                                 category=FundCategory.POVERTY, year=2024,
                                 amount_issued=f.D("5000000"), document_no="财农〔2024〕1号")
        sj = f.source("SJ01", "5000000")
        f.arrive(zy, "3000000", "2023-01-05")
        f.arrive(sj, "3000000", "2023-01-05")
        projects = [f.project(f"XM00{i}", "900000") for i in (1, 2, 3)]
        for p in projects:
            f.allocate(p, zy, "800000", "2023-01-10")
            f.allocate(p, sj, "800000", "2023-01-10")
        pay(projects[0], zy, "PZ000", "5000.00", "2023-12-30", 0)
        for i in range(1, 13):
            p = projects[i % 3]
            src = zy if i % 2 else sj
            pay(p, src, f"PZ{i:03d}", f"{10000 + i * 1111}.{i:02d}",
                f"2024-{i:02d}-{10 + i}", i)
        pay(projects[0], zy, "PZ999", "7000.00", "2025-01-03", 1)
        f.reverse("CX001", funds.get_disbursement("PZ003"), "-13333.03", "2024-03-20")
        f.reverse("CX002", funds.get_disbursement("PZ005"), "-1000.00", "2024-06-01")


def pay(project, source, voucher, amount, on, i):
    return funds.post_disbursement(
        voucher_no=voucher, project=project, source=source, paid_on=f.day(on),
        amount=f.D(amount), kind=PaymentKind.PROGRESS, payee=PAYEES[i % len(PAYEES)],
        payee_account=f"62284800{i:011d}" if i % 4 else None,
        budget_subject="2130505 生产发展" if source.code == "ZY01" else None,
    )


def treasury_rows() -> list[list]:
    """The export the treasury would give for 2024: every payment of 2024 as it stands,
    net of its reversals (PZ003 reversed whole is not there), with 指标文号 for ZY01."""
    rows = []
    for i in range(1, 13):
        if i == 3:
            continue
        amount = 10000 + i * 1111 + i / 100
        if i == 5:
            amount -= 1000
        zy = bool(i % 2)
        rows.append([f"PZ{i:03d}", dt.date(2024, i, 10 + i), round(amount, 2),
                     PAYEES[i % len(PAYEES)], f"62284800{i:011d}" if i % 4 else None,
                     "2130505 生产发展" if zy else None, "财农〔2024〕1号" if zy else None])
    return rows


def write_export(path, rows, header=HEADER, title: str | None = None) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "国库支付明细"
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return str(path)
