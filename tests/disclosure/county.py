"""A small county for the disclosure tests, with personal data planted where the public
must never see it: a responsible person and a mobile phone, a payee, a voucher number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundtrack.clock import today
from fundtrack.database import unit_of_work
from fundtrack.enums import Level
from fundtrack.enums import MilestoneKind as K
from fundtrack.projects.service import create_project
from tests.factories import allocate, arrive, milestone, pay, project, source

PHONE = "13812345678"
PERSON = "李四维"
PAYEE = "某某建筑公司"
VOUCHER = "PZ-2024-0099"
SCOPE = "硬化道路3.2公里,宽4.5米,配套排水沟"
#: What must never appear on a public page or a notice.
SECRETS = (PHONE, PERSON, PAYEE, VOUCHER)


def later(days: int) -> str:
    """``days`` after the app's today (the county's date), in an app context."""
    return (today() + dt.timedelta(days=days)).isoformat()


@pytest.fixture(name="county")
def county_fixture(app, users):
    """XM001 城关镇东村 (50万, 县交通运输局, 李四维 13812345678): ZY01 (中央) allocated 20万,
    of which 8万 paid to 某某建筑公司 (PZ-2024-0099); ZY02 (省级) 5万 reduced by 2万, and
    a further 1万 dated in a month's time (not yet counted today). Approved 2024-01-10,
    started 2024-03-05, completed 2024-09-28, accepted 2024-10-15.
    XM002 东关乡西村 (30万, 县水利局), ZY01 5万, nothing done.
    XM003 城关镇 itself (no village), year 2023, 20万, nothing allocated."""
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01", "1000000.00", issued_on="2024-02-01")
        zy2 = source("ZY02", "500000.00", level=Level.PROVINCIAL, name="省级财政衔接资金")
        arrive(zy, "300000.00", "2024-03-01")
        p1 = create_project(
            code="XM001", name="东村通村道路硬化工程", year=2024, township="城关镇",
            village="东村", unit="县交通运输局", total_investment=Decimal("500000.00"),
            category="基础设施", responsible_person=PERSON, phone=PHONE, scope=SCOPE,
        )
        p2 = project("XM002", "300000.00", township="东关乡", village="西村", unit="县水利局")
        project("XM003", "200000.00", village=None, year=2023, unit="城关镇人民政府")
        allocate(p1, zy, "200000.00", "2024-02-10")
        allocate(p1, zy2, "50000.00")
        allocate(p1, zy2, "-20000.00")
        allocate(p1, zy2, "10000.00", later(30))
        allocate(p2, zy, "50000.00")
        pay(VOUCHER, p1, zy, "80000.00", "2024-03-06")
        milestone(p1, K.APPROVED, done="2024-01-10")
        milestone(p1, K.STARTED, planned="2024-03-01", done="2024-03-05")
        milestone(p1, K.COMPLETED, planned="2024-09-30", done="2024-09-28")
        milestone(p1, K.ACCEPTED, done="2024-10-15")
        milestone(p2, K.STARTED, planned="2024-05-01")
    return users
