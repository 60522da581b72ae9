"""月报: the paragraph the city asks for every month, as of a date, in the words of the
seed reports, with the figures it states.

The figures are the ledger's own: the fund ledger summed by channel category
(``dashboard.by_category`` and its 合计), the 结转结余 report's 合计 row (carried in,
this year's arrivals, payments and recoveries, the balance and its idle money over one
and two years) and the 汇总 report's 合计 row (projects, started, completed, investment,
spent). Nothing is recomputed here; this module only
puts the numbers into words (money in 万元, exact Decimal, rates as 87.65%).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from ..formatting import wan
from ..money import format_rate
from .dashboard import by_category, category_total
from .filters import LedgerFilter
from .reports import carryover, summary

_ALL = LedgerFilter()


def last_month_end(day: dt.date) -> dt.date:
    """The month end a monthly report is for by default: the last day of the month
    before ``day`` (on 2024-07-05, 2024-06-30)."""
    return day.replace(day=1) - dt.timedelta(days=1)


@dataclass
class MonthlyReport:
    region: str
    as_of: dt.date
    #: ``by_category`` rows of the categories that have channels, in the fixed order.
    categories: list[dict]
    #: Their 合计 (every category).
    funds: dict
    #: The 汇总 report's 合计 row.
    progress: dict
    #: The 结转结余 report's 合计 row.
    year: dict

    @property
    def paragraph(self) -> str:
        return paragraph(self)


def monthly_report(as_of: dt.date, filt: LedgerFilter = _ALL) -> MonthlyReport:
    rows = by_category(as_of, filt)
    return MonthlyReport(
        region=current_app.config["FUNDTRACK_REGION"],
        as_of=as_of,
        categories=[r for r in rows if r["sources"]],
        funds=category_total(rows),
        progress=summary(as_of, filt).total,
        year=carryover(as_of, filt).total,
    )


def date_words(d: dt.date) -> str:
    """``2026-11-23`` → ``2026年11月23日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def _rate(value) -> str:
    return format_rate(value) if value is not None else "—"


def _funds(row: dict) -> str:
    return (f"共{wan(row['arrived'])}万元,已支出{wan(row['spent'])}万元,"
            f"支出率{_rate(row['spending_rate'])}")


def _year(row: dict) -> str:
    return (f"上年结转{wan(row['carried_in'])}万元,本年到位{wan(row['arrived_this_year'])}万元,"
            f"本年支出{wan(row['spent_this_year'])}万元,"
            f"本年收回{wan(row['recovered_this_year'])}万元,"
            f"期末结余{wan(row['balance'])}万元,其中结存1年以上{wan(row['idle_over_1y'])}万元、"
            f"结存2年以上{wan(row['idle_over_2y'])}万元")


def paragraph(report: MonthlyReport) -> str:
    """截至X月X日,<region>财政涉农资金共X万元,已支出X万元,支出率X%;其中……;上年结转X万元,
    本年到位X万元,本年支出X万元,本年收回X万元,期末结余X万元,其中结存1年以上X万元、结存2年以上
    X万元;实施项目X个,已开工X个,开工率X%,已完工X个,完工率X%,总投资X万元,已完成投资X万元,
    投资完成率X%。

    <region> is the report's region (FUNDTRACK_REGION, e.g. 全县 or 某某县).
    共X万元 is the money arrived (已到位) as of the date: the spending rate of the ledger
    is spent / arrived. The carry-over sentence is the 结转结余 report's 合计 (the
    channels of 年度 ≤ the year of the date; ages first in, first out). An undefined
    rate is written "—".
    """
    p = report.progress
    parts = [f"截至{date_words(report.as_of)},{report.region}财政涉农资金{_funds(report.funds)}"]
    if report.categories:
        parts.append("其中," + ";".join(
            f"{r['category']}{_funds(r)}" for r in report.categories))
    parts.append(_year(report.year))
    parts.append(
        f"实施项目{p['projects']}个,已开工{p['started']}个,开工率{_rate(p['start_rate'])},"
        f"已完工{p['completed']}个,完工率{_rate(p['completion_rate'])},"
        f"总投资{wan(p['total_investment'])}万元,已完成投资{wan(p['spent'])}万元,"
        f"投资完成率{_rate(p['investment_completion_rate'])}"
    )
    return ";".join(parts) + "。"


def sheet_rows(report: MonthlyReport) -> list[dict]:
    """The rows of the workbook's 月报 sheet (sheets.MONTHLY): one per category that has
    channels, then the 合计."""
    def row(r, name):
        return {"category": name, "sources": r["sources"], "amount_issued": r["amount_issued"],
                "arrived": r["arrived"], "spent": r["spent"],
                "spending_rate": r["spending_rate"]}

    return [row(r, r["category"]) for r in report.categories] + [
        row(report.funds, report.funds["category"])]
