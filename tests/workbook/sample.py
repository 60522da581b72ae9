"""A county built through the services (tests/factories.py), with what an audit meets:
several channels and years, a reduction and a re-allocation, a reversal, a settlement
after 验收, an overdue milestone, a project without money, awkward text."""

from __future__ import annotations

from fundtrack.enums import FundCategory, Level, MilestoneKind, PaymentKind
from fundtrack.extensions import db
from fundtrack.projects.service import create_project
from tests import factories as f

K = MilestoneKind


def build_county() -> None:
    zy = f.source("ZY2024-01", "600000.00", issued_on="2024-01-10")
    sj = f.source("00123", "300000.00", level=Level.PROVINCIAL,
                  category=FundCategory.INTEGRATED, name="省级统筹整合资金")
    old = f.source("XJ2023", "50000.00", level=Level.COUNTY, category=FundCategory.OTHER,
                   year=2023, name="县级配套资金")
    f.arrive(zy, "400000.00", "2024-02-01")
    f.arrive(zy, "200000.00", "2024-08-01")  # after the as-of date of the tests
    f.arrive(sj, "150000.55", "2024-03-01")
    f.arrive(old, "50000.00", "2023-05-01")

    road = f.project("XM001", "600000.00")  # above the tendering threshold
    water = f.project("XM002", "90000.00", township="李新店镇", unit="县水利局",
                      village="西村", priority=True)
    odd = create_project(  # text that looks like formulas, a code with a leading zero
        code="0042", name="=1+1", year=2024, township="李新店镇", unit="县农业农村局",
        total_investment=f.D("10000.00"), responsible_person="@李四", phone="-",
        scope="+5% 工程量",
    )
    idle = f.project("XM2023", "40000.00", year=2023, unit="县水利局")

    f.milestone(road, K.APPROVED, planned="2024-01-15", done="2024-01-15")
    f.milestone(road, K.TENDERED, planned="2024-03-01", done="2024-03-01")
    f.milestone(road, K.STARTED, planned="2024-03-15", done="2024-03-20")
    f.milestone(road, K.COMPLETED, planned="2024-06-01")  # overdue on 2024-06-30
    f.milestone(water, K.STARTED, done="2024-02-20")
    f.milestone(water, K.COMPLETED, done="2024-04-30")
    f.milestone(water, K.ACCEPTED, planned="2024-05-15", done="2024-05-10")
    f.milestone(idle, K.APPROVED, planned="2023-03-01")

    # 60万 issued: the water project gives back 10万 (调减), then the road takes 50万
    f.allocate(water, zy, "200000.00", "2024-02-10")
    f.allocate(water, zy, "-100000.00", "2024-03-01")
    f.allocate(road, zy, "500000.00", "2024-03-02")
    f.allocate(road, old, "5000.00")  # a 2023 channel for a 2024 project
    f.allocate(water, sj, "80000.00")
    f.allocate(odd, sj, "10000.00", "2024-09-01")  # after the as-of date of the tests
    f.allocate(idle, old, "40000.00")

    f.pay("PZ0001", road, zy, "100000.00", "2024-03-05", kind=PaymentKind.ADVANCE)
    wrong = f.pay("PZ0002", road, zy, "50000.00", "2024-04-10")
    f.reverse("PZ0003", wrong, "-50000.00", "2024-04-10")
    f.pay("PZ0004", road, zy, "5000.00", "2024-04-10")  # re-entered the same day
    f.pay("PZ0005", water, sj, "70000.00", "2024-05-20", kind=PaymentKind.SETTLEMENT)
    f.pay("PZ0006", water, zy, "99999.99", "2024-06-30", kind=PaymentKind.PROGRESS)
    f.pay("PZ0007", road, zy, "1234.56", "2024-07-01")  # after the as-of date
    f.pay("0008", idle, old, "30000.00", "2023-06-01")
    db.session.commit()


def add_targets_and_assets():
    """build_county's projects with 绩效目标 (one met, one missed, one not evaluated, one
    of a project since stopped) and 资产移交 of a settled project."""
    from fundtrack.enums import MilestoneKind as K
    from fundtrack.enums import ProjectStatus as S
    from fundtrack.performance import service as performance
    from fundtrack.projects.service import get_project
    from tests import factories as f
    from tests.factories import day

    road, water, other = get_project("XM001"), get_project("XM002"), get_project("0042")
    length = performance.add_target(road, category="产出", name="新建道路长度",
                                    measure="公里", target="3.2")
    performance.record_actual(length, actual="3.3", met="是")
    performance.add_target(road, category="满意度", name="受益群众满意度", measure="%",
                           target="≥95")  # not yet evaluated
    canal = performance.add_target(water, category="效益", name="新增灌溉面积",
                                   measure="亩", target="1200")
    performance.record_actual(canal, actual="1100", met="否", gap_reason="部分地块未流转")
    stopped = performance.add_target(other, category="产出", name="=新建桥梁",
                                     target="1")
    performance.record_actual(stopped, actual="0", met="否", gap_reason="项目终止")
    other.status = S.STOPPED
    other.stop_reason = "选址调整"
    f.milestone(water, K.SETTLED, done="2024-05-20")
    from fundtrack.assets import service as assets
    assets.record_handover(water, name="灌溉渠道 2.1 公里", asset_class="公益性",
                           value=f.D("84999.99"), owner="西村村民委员会",
                           maintainer="西村村民委员会", caretaker="李四 13800000000",
                           handed_over_on=day("2024-06-01"), document_no="确农移〔2024〕1号")
    assets.record_handover(water, name="泵站", asset_class="经营性", value=f.D("0"),
                           owner="西村集体经济合作社", maintainer="西村集体经济合作社",
                           handed_over_on=day("2024-06-02"))
