"""公示公告: the printable 立项公示 and 完工公示 of a project: its public facts, the posting
period (at least ten days), the complaint phone of the settings, and a QR code of the
project's public page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from fundtrack import clock
from fundtrack.database import unit_of_work
from fundtrack.disclosure.service import MIN_POSTING_DAYS, posting_period
from fundtrack.errors import Refused
from fundtrack.settings import service as settings
from tests.conftest import login
from tests.disclosure.county import (
    PHONE,
    SCOPE,
    county_fixture,  # noqa: F401  (the `county` fixture)
)
from tests.disclosure.qr import decode_svg
from tests.disclosure.test_public import assert_no_personal_data
from tests.funds.pages import text

COMPLAINT = "0396-7654321"


@pytest.fixture
def posted(app, county):
    with app.app_context(), unit_of_work("admin"):
        settings.set_complaint_phone(COMPLAINT)
    return county


def notice_html(client, users, path, role="viewer"):
    login(client, users[role])
    r = client.get(path)
    return r, r.get_data(as_text=True)


def article(html: str) -> str:
    return re.search(r'<article class="notice".*?</article>', html, re.S).group(0)


def qr_of(html: str) -> str:
    return re.search(r"<svg\b.*?</svg>", article(html), re.S).group(0)


def test_approval_notice_says_what_the_users_post(client, posted):
    r, html = notice_html(client, posted, "/projects/XM001/notice?start=2024-01-15")
    assert r.status_code == 200
    body = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", article(html))))
    for fact in ("东村通村道路硬化工程 立项公示", "城关镇 东村", SCOPE, "500,000.00",
                 "县交通运输局",
                 "中央财政衔接推进乡村振兴补助资金ZY01", "省级财政衔接资金", "合计 230,000.00",
                 "立项入库日期:2024年1月10日",
                 "公示期:2024年1月15日至2024年1月24日(10天)",
                 f"监督举报电话: {COMPLAINT}"):
        assert fact in body, fact
    assert 'data-print' in html and "js/print.js" in html
    assert "<script>" not in html and "onclick" not in html


def test_completion_notice_rests_on_completion_and_acceptance(client, posted):
    r, html = notice_html(
        client, posted, "/projects/XM001/notice?kind=completed&start=2024-10-20&end=2024-11-05")
    assert r.status_code == 200
    body = text(r)
    assert "东村通村道路硬化工程 完工公示" in body
    assert "开工日期:2024年3月5日;完工日期:2024年9月28日;验收日期:2024年10月15日。" in body
    assert "公示期:2024年10月20日至2024年11月5日" in body
    assert "尚未录入" not in body
    # a project not completed yet: the notice says so to staff before they print it
    r, _ = notice_html(client, posted, "/projects/XM002/notice?kind=completed")
    assert r.status_code == 200 and "该项目尚未录入“完工”的实际日期" in text(r)


def test_posting_period_of_fewer_than_ten_days_is_refused(app, client, posted):
    for query in ("start=2024-01-15&days=9", "start=2024-01-15&end=2024-01-23",
                  "start=2024-01-15&days=-3"):
        r, html = notice_html(client, posted, f"/projects/XM001/notice?{query}")
        assert r.status_code == 400, query
        assert "公示期不得少于10天:结束日期应不早于 2024-01-24" in text(r), query
        assert '<article class="notice"' not in html  # nothing to print
    r, _ = notice_html(client, posted, "/projects/XM001/notice?days=十")
    assert r.status_code == 400 and "公示天数「十」应为整数" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?days=367")
    assert r.status_code == 400 and "公示天数不能超过366天" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=9999-12-25")
    assert r.status_code == 400 and "公示开始日期超出范围" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-01-15&days=366")
    assert r.status_code == 200 and "至2025年1月14日(366天)" in text(r)
    # exactly ten days is accepted, and more; the default is ten days from the start
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-01-15&days=10")
    assert r.status_code == 200 and "至2024年1月24日(10天)" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-01-15&days=15")
    assert r.status_code == 200 and "至2024年1月29日(15天)" in text(r)
    start = dt.date(2024, 2, 29)
    assert posting_period(start, None) == (start, dt.date(2024, 3, 9))
    with pytest.raises(Refused) as e:
        posting_period(start, start + dt.timedelta(days=MIN_POSTING_DAYS - 2))
    assert e.value.field == "days"
    with pytest.raises(Refused):
        posting_period(start, start - dt.timedelta(days=20))


def test_default_period_starts_today(app, client, posted):
    r, html = notice_html(client, posted, "/projects/XM001/notice")
    with app.app_context():
        today = clock.today()  # the county's date, not the machine's
    end = today + dt.timedelta(days=MIN_POSTING_DAYS - 1)  # both days counted
    period = f"{today.year}年{today.month}月{today.day}日至{end.year}年{end.month}月{end.day}日"
    assert f"公示期:{period}" in text(r)
    assert f'name="start" value="{today.isoformat()}"' in html
    assert f'name="days" min="10" step="1" value="{MIN_POSTING_DAYS}"' in html


def test_unknown_kind_or_date_is_refused(client, posted):
    r, _ = notice_html(client, posted, "/projects/XM001/notice?kind=whatever")
    assert r.status_code == 400 and "立项公示、完工公示" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-02-30")
    assert r.status_code == 400 and "不是有效日期" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM404/notice")
    assert r.status_code == 404


def test_qr_code_decodes_to_the_projects_public_url(client, posted):
    r, html = notice_html(client, posted, "/projects/XM001/notice")
    assert decode_svg(qr_of(html)) == "http://localhost/public/projects/XM001"
    r, html = notice_html(client, posted, "/projects/XM002/notice?kind=completed")
    assert decode_svg(qr_of(html)) == "http://localhost/public/projects/XM002"
    # the address the code leads to is the public page, open to anyone
    anonymous = client.application.test_client()
    assert anonymous.get("/public/projects/XM002").status_code == 200


def test_notices_carry_only_the_complaint_phone(client, posted):
    for path in ("/projects/XM001/notice", "/projects/XM001/notice?kind=completed",
                 "/projects/XM002/notice"):
        r, html = notice_html(client, posted, path)
        assert COMPLAINT in article(html)
        assert_no_personal_data(html, posted, path)
    assert PHONE not in html


def test_notice_without_complaint_phone_warns_staff(client, county):
    r, html = notice_html(client, county, "/projects/XM001/notice")
    assert r.status_code == 200
    assert "尚未设置监督举报电话" in text(r)


def test_notice_without_public_address_warns_staff(app, client, posted):
    """With 公示网址 unset the QR code leads to the address the page was asked at (on the
    county's machine, 127.0.0.1): staff are told before they print (issue 13)."""
    r, html = notice_html(client, posted, "/projects/XM001/notice")
    assert "尚未设置公示网址" in text(r)
    assert "http://localhost/public/projects/XM001" in text(r)
    assert "尚未设置公示网址" not in article(html)  # on the screen only, never printed
    with app.app_context(), unit_of_work("admin"):
        settings.set_public_url("https://gs.example.gov.cn")
    r, html = notice_html(client, posted, "/projects/XM001/notice")
    assert "尚未设置公示网址" not in text(r)
    assert decode_svg(qr_of(html)) == "https://gs.example.gov.cn/public/projects/XM001"


def test_the_period_and_its_day_count_agree(client, posted):
    """"12月1日至12月11日(10天)" counted 11 calendar days: the count includes both ends."""
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-12-01&days=10")
    assert "公示期:2024年12月1日至2024年12月10日(10天)" in text(r)
    r, _ = notice_html(client, posted, "/projects/XM001/notice?start=2024-12-01&end=2024-12-11")
    assert "公示期:2024年12月1日至2024年12月11日(11天)" in text(r)


def test_every_signed_in_role_may_print_notices_and_the_project_page_links_them(
        client, app, county):
    for role in county:
        c = app.test_client()
        login(c, county[role])
        assert c.get("/projects/XM001/notice").status_code == 200, role
    page = client.get("/projects/XM001/notice")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    login(client, county["viewer"])
    detail = client.get("/projects/XM001").get_data(as_text=True)
    assert 'href="/projects/XM001/notice"' in detail and "公示公告" in detail
    home = client.get("/").get_data(as_text=True)
    assert 'href="/public/"' in home and ">公示<" in home
