"""月报: the paragraph states the ledger's own figures, in 万元 and percentages, and the
workbook carries it as a 月报 sheet that import ignores.

The county is tests/dashboard/county.py (figures worked out by hand there):
ZY01 财政专项扶贫资金 arrived 800,000 spent 350,000; SJ01 统筹整合涉农资金 arrived
500,000 spent 123,456.78; DX01 东西部协作资金 arrived 100,000 spent 50,000; three
projects (investment 1,000,000), two started, one completed. The 月报 sheet of the
workbook: tests/workbook/test_monthly_sheet.py.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from fundtrack.database import unit_of_work
from fundtrack.formatting import wan
from fundtrack.ledger import LedgerFilter, by_category, summary
from fundtrack.ledger.dashboard import category_total
from fundtrack.ledger.monthly import date_words, monthly_report
from fundtrack.ledger.reports import carryover
from fundtrack.money import format_rate
from tests import factories as f
from tests.dashboard.county import build_county

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def county(app):
    build_county(app)
    return app


def test_the_paragraph_in_the_words_of_the_reports(county):
    with county.app_context():
        text = monthly_report(AS_OF).paragraph
    assert text == (
        "截至2024年6月30日,测试县财政涉农资金共140.00万元,已支出52.35万元,支出率37.39%;"
        "其中,财政专项扶贫资金共80.00万元,已支出35.00万元,支出率43.75%;"
        "统筹整合涉农资金共50.00万元,已支出12.35万元,支出率24.69%;"
        "东西部协作资金共10.00万元,已支出5.00万元,支出率50.00%;"
        # everything arrived this year: nothing carried in, nothing a year old;
        # 1,400,000 − 523,456.78 = 876,543.22 left
        "上年结转0.00万元,本年到位140.00万元,本年支出52.35万元,本年收回0.00万元,"
        "期末结余87.65万元,其中结存1年以上0.00万元、结存2年以上0.00万元;"
        "实施项目3个,已开工2个,开工率66.67%,已完工1个,完工率33.33%,"
        "总投资100.00万元,已完成投资52.35万元,投资完成率52.35%。"
    )


MONEY = r"(-?\d+\.\d{2})万元"
RATE = r"(\d+\.\d{2}%|—)"


def parse(text: str) -> dict:
    """Read the paragraph back as a user would: every figure, by what it names."""
    head = re.match(rf"截至(\d+)年(\d+)月(\d+)日,(\S+?)财政涉农资金共{MONEY},已支出{MONEY},"
                    rf"支出率{RATE}", text)
    assert head, text
    cats = re.findall(rf"([\u4e00-\u9fff]+资金|其他)共{MONEY},已支出{MONEY},支出率{RATE}",
                      text[head.end():])
    year = re.search(rf"上年结转{MONEY},本年到位{MONEY},本年支出{MONEY},本年收回{MONEY},"
                     rf"期末结余{MONEY},其中结存1年以上{MONEY}、结存2年以上{MONEY};实施项目", text)
    assert year, text
    tail = re.search(rf"实施项目(\d+)个,已开工(\d+)个,开工率{RATE},已完工(\d+)个,完工率{RATE},"
                     rf"总投资{MONEY},已完成投资{MONEY},投资完成率{RATE}。$", text)
    assert tail, text
    return {"date": dt.date(*map(int, head.groups()[:3])), "region": head[4],
            "total": head.groups()[4:], "categories": {c[0]: c[1:] for c in cats},
            "year": year.groups(), "progress": tail.groups()}


@pytest.mark.parametrize("as_of", ["2024-02-01", "2024-04-10", "2024-06-30", "2025-01-01"])
def test_the_paragraphs_numbers_are_the_ledgers(county, as_of):
    d = dt.date.fromisoformat(as_of)
    with county.app_context():
        got = parse(monthly_report(d).paragraph)
        rows = by_category(d)
        funds = category_total(rows)
        progress = summary(d).total
        year = carryover(d).total

    def rate(v):
        return format_rate(v) if v is not None else "—"

    assert got["date"] == d and got["region"] == "测试县"
    assert got["total"] == (wan(funds["arrived"]), wan(funds["spent"]),
                            rate(funds["spending_rate"]))
    assert got["categories"] == {
        r["category"]: (wan(r["arrived"]), wan(r["spent"]), rate(r["spending_rate"]))
        for r in rows if r["sources"]}
    assert got["year"] == tuple(wan(year[k]) for k in (
        "carried_in", "arrived_this_year", "spent_this_year", "recovered_this_year",
        "balance", "idle_over_1y", "idle_over_2y"))
    assert got["progress"] == (
        str(progress["projects"]), str(progress["started"]), rate(progress["start_rate"]),
        str(progress["completed"]), rate(progress["completion_rate"]),
        wan(progress["total_investment"]), wan(progress["spent"]),
        rate(progress["investment_completion_rate"]))


def test_before_any_money_arrived_the_rate_is_a_dash(county):
    with county.app_context():
        got = parse(monthly_report(dt.date(2024, 1, 15)).paragraph)
    assert got["total"] == ("0.00", "0.00", "—")
    assert got["progress"][:3] == ("3", "0", "0.00%")


def test_wan_is_exact_and_rounds_half_up():
    assert wan(Decimal("12349.99")) == "1.23"
    assert wan(Decimal("12350.00")) == "1.24"  # 1.235 → 1.24, half up
    assert wan(Decimal("123456.78")) == "12.35"
    assert wan(Decimal("0.49")) == "0.00" and wan(Decimal("50.00")) == "0.01"
    assert wan(Decimal("1234567890.12")) == "123456.79"  # no thousands separator
    assert date_words(dt.date(2026, 11, 3)) == "2026年11月3日"


def test_a_filter_narrows_the_paragraph(county):
    with county.app_context():
        got = parse(monthly_report(AS_OF, LedgerFilter(township="李新店镇")).paragraph)
    assert got["progress"][:2] == ("1", "0")
    assert got["categories"] == {"统筹整合涉农资金": ("50.00", "12.35", "24.69%")}


def test_the_carry_over_sentence_across_years(app):
    """LN01 (年度 2023): 300,000 arrived 2023-03-01, 50,000 paid 2023-06-01, 20,000
    recovered 2024-01-10, 100,000 arrived 2024-03-01, 30,000 paid 2024-05-01. As of
    2024-06-30, by hand: 上年结转 250,000; this year 100,000 in, 30,000 paid, 20,000
    recovered; 期末结余 300,000; over one year (arrived by 2023-06-30 − all used,
    oldest first) 300,000 − 100,000 = 200,000; over two years nothing."""
    with app.app_context(), unit_of_work("县财政局"):
        src = f.source("LN01", "500000.00", year=2023)
        f.arrive(src, "300000.00", "2023-03-01")
        p = f.project("XM001", year=2023)
        f.allocate(p, src, "80000.00")
        f.pay("P1", p, src, "50000.00", "2023-06-01")
        f.recover(src, "20000.00", "2024-01-10")
        f.arrive(src, "100000.00", "2024-03-01")
        f.pay("P2", p, src, "30000.00", "2024-05-01")
    with app.app_context():
        got = parse(monthly_report(AS_OF).paragraph)
        text = monthly_report(AS_OF).paragraph
    assert got["year"] == ("25.00", "10.00", "3.00", "2.00", "30.00", "20.00", "0.00")
    assert ("上年结转25.00万元,本年到位10.00万元,本年支出3.00万元,本年收回2.00万元,"
            "期末结余30.00万元,其中结存1年以上20.00万元、结存2年以上0.00万元") in text
