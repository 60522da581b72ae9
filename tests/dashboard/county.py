"""A small county for the screen tests (dashboard, ledgers, history), built through the
services, as of AS_OF:

| source | category | issued | arrived | spent |
|---|---|---|---|---|
| ZY01 | 财政专项扶贫资金 | 1,000,000 | 800,000 | 350,000 |
| SJ01 | 统筹整合涉农资金 | 500,000 | 500,000 | 123,456.78 |
| DX01 | 东西部协作资金 | 200,000 | 100,000 | 50,000 |

Projects XM001 (城关镇, 县交通运输局), XM002 (李新店镇, 县水利局), XM003 (城关镇,
县水利局, year 2023). Started: XM001, XM003; completed: XM003. Overdue: XM001 完工
(planned 2024-05-01), XM002 开工 (planned 2024-04-01).
"""

from __future__ import annotations

from fundtrack.database import unit_of_work
from fundtrack.enums import FundCategory, MilestoneKind
from tests import factories as f

AS_OF = "2024-06-30"


def build_county(app, actor: str = "县财政局") -> None:
    with app.app_context(), unit_of_work(actor):
        zy = f.source("ZY01", "1000000.00", category=FundCategory.POVERTY)
        sj = f.source("SJ01", "500000.00", category=FundCategory.INTEGRATED)
        dx = f.source("DX01", "200000.00", category=FundCategory.EAST_WEST)
        f.arrive(zy, "800000.00", "2024-02-01")
        f.arrive(sj, "500000.00", "2024-03-01")
        f.arrive(dx, "100000.00", "2024-04-01")
        p1 = f.project("XM001", "600000.00", priority=True)
        p2 = f.project("XM002", "300000.00", township="李新店镇", unit="县水利局",
                       village="西村")
        p3 = f.project("XM003", "100000.00", unit="县水利局", year=2023, village="南村")
        f.allocate(p1, zy, "500000.00")
        f.allocate(p1, sj, "100000.00")
        f.allocate(p2, sj, "300000.00")
        f.allocate(p3, dx, "100000.00")
        f.pay("P001", p1, zy, "350000.00", "2024-03-10")
        f.pay("P002", p2, sj, "123456.78", "2024-04-10")
        f.pay("P003", p3, dx, "50000.00", "2024-05-01")
        f.milestone(p1, MilestoneKind.STARTED, planned="2024-03-01", done="2024-03-01")
        f.milestone(p1, MilestoneKind.COMPLETED, planned="2024-05-01")
        f.milestone(p2, MilestoneKind.STARTED, planned="2024-04-01")
        f.milestone(p3, MilestoneKind.STARTED, planned="2024-04-01", done="2024-04-02")
        f.milestone(p3, MilestoneKind.COMPLETED, planned="2024-05-30", done="2024-05-20")


def build_projects(app, n: int, batch: str = "A", actor: str = "县财政局") -> None:
    """``n`` projects, each with an allocation, a payment and an overdue milestone, from a
    channel of their own batch (call again with another ``batch`` for more)."""
    with app.app_context(), unit_of_work(actor):
        src = f.source(f"ZY{batch}", str(10000 * n), category=FundCategory.POVERTY)
        f.arrive(src, str(10000 * n), "2024-01-02")
        for i in range(n):
            p = f.project(f"XM{batch}{i:03d}", "20000.00", township=f"镇{i % 3}")
            f.allocate(p, src, "10000.00")
            f.pay(f"P{batch}{i:03d}", p, src, "5000.00", "2024-02-01")
            f.milestone(p, MilestoneKind.STARTED, planned="2024-03-01")

