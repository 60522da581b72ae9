"""资金 pages: the channel list, a channel's page, and the finance clerk's forms to register
a channel, record an arrival and allocate (or reduce) a channel's money to a project."""

from __future__ import annotations

import re

from fundtrack.database import unit_of_work
from fundtrack.enums import FundCategory, Level
from fundtrack.extensions import db
from fundtrack.funds.service import get_source
from fundtrack.ledger import LedgerFilter, fund_ledger
from tests.factories import D, allocate, day, project, source
from tests.funds.pages import (
    Allocation,
    FundArrival,
    FundSource,
    count,
    county_fixture,  # noqa: F401  (the `county` fixture)
    field_errors,
    input_value,
    post_form,
    signed_in,
    text,
)


def _codes_in_table(response) -> list[str]:
    return re.findall(r'<td><a href="/funds/(ZY[^"?]+)\?', response.get_data(as_text=True))


# --- the channel list ----------------------------------------------------------------


def test_channel_list_shows_the_fund_ledger_as_of_a_date(client, county):
    signed_in(client, county, "viewer")
    r = client.get("/funds/?as_of=2024-04-30")
    assert r.status_code == 200
    page = text(r)
    assert "截至 2024-04-30" in page
    # ZY01: issued 1,000,000; arrived 300,000 (30.00%); allocated 250,000; spent 80,000
    # (26.67% of arrived); balance 220,000.
    assert ("ZY01 中央财政衔接推进乡村振兴补助资金ZY01 1,000,000.00 300,000.00 30.00% "
            "250,000.00 80,000.00 0.00 26.67% 220,000.00") in page
    # ZY02: nothing arrived, so no spending rate.
    assert "ZY02 省级财政衔接资金 500,000.00 0.00 0.00% 10,000.00 0.00 0.00 — 0.00" in page
    assert "合计 1,500,000.00 300,000.00 20.00% 260,000.00 80,000.00 0.00 26.67% 220,000.00" in page
    # the second arrival counts from its own date
    assert "400,000.00" in text(client.get("/funds/?as_of=2024-05-01"))


def test_channel_list_filters_by_year(app, client, county):
    # As in the ledger (and `export --year`): the channels of that year, with the money of
    # that year's projects.
    with app.app_context(), unit_of_work("测试"):
        allocate(project("XM2023", year=2023), get_source("ZY02"), "4000.00")
    signed_in(client, county, "viewer")
    r = client.get("/funds/?year=2023")
    assert _codes_in_table(r) == ["ZY02"]
    assert "ZY02 省级财政衔接资金 500,000.00 0.00 0.00% 4,000.00" in text(r)
    assert '<option value="2023" selected>' in r.get_data(as_text=True)


def test_channel_list_sorts_and_pages(app, client, users):
    with app.app_context(), unit_of_work("测试"):
        for i, amount in enumerate(["300.00", "100.00", "500.00", "200.00"], start=1):
            source(f"ZY0{i}", amount)
    signed_in(client, users, "auditor")
    r = client.get("/funds/?sort=-amount_issued&per_page=3")
    assert _codes_in_table(r) == ["ZY03", "ZY01", "ZY04"]
    assert "共 4 条,第 1 / 2 页" in text(r)
    r = client.get("/funds/?sort=-amount_issued&per_page=3&page=2")
    assert _codes_in_table(r) == ["ZY02"]
    # the header links to the other direction
    assert 'href="?sort=amount_issued&amp;per_page=3&amp;page=1"' in r.get_data(as_text=True)
    r = client.get("/funds/?sort=amount_issued")
    assert _codes_in_table(r) == ["ZY02", "ZY04", "ZY01", "ZY03"]
    # the total row covers every channel, not only the page
    r = client.get("/funds/?per_page=1")
    assert "合计 1,100.00" in text(r)


def test_channel_list_survives_nonsense(client, county):
    signed_in(client, county, "viewer")
    r = client.get("/funds/?sort=nonsense&as_of=2024-13-40&year=abc")
    assert r.status_code == 200
    assert "不是有效日期" in text(r)


def test_register_button_only_for_finance(client, county):
    signed_in(client, county, "viewer")
    assert "登记资金来源" not in text(client.get("/funds/"))
    client.post("/logout")
    signed_in(client, county, "finance")
    assert "登记资金来源" in text(client.get("/funds/"))


# --- a channel's page ----------------------------------------------------------------


def test_channel_page_shows_figures_arrivals_projects_and_payments(client, county):
    signed_in(client, county, "viewer")
    r = client.get("/funds/ZY01?as_of=2024-06-30")
    assert r.status_code == 200
    page = text(r)
    assert "下达金额(元) 1,000,000.00" in page
    assert "已到位(元) 400,000.00 到位率 40.00%" in page
    # two spending rates, each saying what it divides (issue 13: the table's was unlabelled)
    assert "已支出(元) 80,000.00 支出率(已支出 / (已到位 − 已收回)) 20.00%" in page
    assert "已收回(元) 0.00" in page
    assert "支出率 (已支出 / 安排资金)" in page
    assert "结余(元) 320,000.00" in page
    assert "2024-03-01 300,000.00" in page and "2024-05-01 100,000.00" in page
    # the projects it funds, from the allocation ledger
    assert "XM001" in page and "200,000.00 80,000.00 40.00% 120,000.00" in page
    assert "50,000.00 0.00 0.00% 50,000.00" in page
    assert "PZ1 2024-03-05" in page
    # a viewer gets no forms
    assert "登记资金到位" not in page and "安排到项目" not in page


def test_unknown_channel_is_404(client, county):
    signed_in(client, county, "viewer")
    assert client.get("/funds/NOPE").status_code == 404


# --- register a channel --------------------------------------------------------------

_NEW = {
    "source_code": "0123", "name": "县级配套资金", "level": Level.COUNTY.value,
    "category": FundCategory.INTEGRATED.value, "year": "2024", "document_no": "县财农〔2024〕3号",
    "amount_issued": "1,234,567.80", "issued_on": "2024-04-01",
}


def test_finance_registers_a_channel(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/new", _NEW)
    assert r.status_code == 302 and r.headers["Location"].endswith("/funds/0123")
    page = text(client.get(r.headers["Location"]))
    assert "已登记资金来源「0123」" in page and "县财农〔2024〕3号" in page
    assert "下达金额(元) 1,234,567.80" in page
    with app.app_context():
        src = db.session.query(FundSource).filter_by(code="0123").one()
        assert (src.level, src.amount_issued, src.issued_on) == (
            Level.COUNTY, D("1234567.80"), day("2024-04-01"))


def test_registering_a_duplicate_channel_is_refused_on_the_field(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/new", {**_NEW, "source_code": "ZY01"})
    assert r.status_code == 409
    assert field_errors(r, "source_code") == ["资金来源编号「ZY01」已存在"]
    assert input_value(r, "name") == "县级配套资金"  # what was typed is kept
    assert count(app, FundSource) == 2


def test_unreadable_channel_values_are_refused(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/new", {**_NEW, "amount_issued": "12.345", "year": "二〇二四",
                                         "issued_on": "2024-02-30"})
    assert r.status_code == 422
    assert field_errors(r, "amount_issued") == ["金额「12.345」超过两位小数(元精确到分)"]
    assert field_errors(r, "year") == ["年度应为四位整数"]
    assert field_errors(r, "issued_on") == ["不是有效日期(应为 YYYY-MM-DD)"]
    r = post_form(client, "/funds/new", {**_NEW, "amount_issued": "-1"})
    assert field_errors(r, "amount_issued") == ["下达金额不能为负数"]
    assert count(app, FundSource) == 2


# --- arrivals ------------------------------------------------------------------------


def test_finance_records_an_arrival(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY02/arrivals",
                  {"arrived_on": "2024-06-01", "amount": "50000", "note": "第一批"},
                  token_from="/funds/ZY02")
    assert r.status_code == 302 and r.headers["Location"].endswith("/funds/ZY02")
    page = text(client.get("/funds/ZY02?as_of=2024-06-30"))
    assert "已登记资金到位 50,000.00 元" in page
    assert "2024-06-01 50,000.00 第一批" in page
    with app.app_context():
        row = fund_ledger(day("2024-06-30"), LedgerFilter(source_code="ZY02")).rows[0]
    assert row["arrived"] == D("50000.00")


def test_an_arrival_before_its_issue_date_is_a_warning_not_a_refusal(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/arrivals", {"arrived_on": "2024-01-15", "amount": "10"},
                  token_from="/funds/ZY01")
    assert r.status_code == 302
    html = client.get("/funds/ZY01").get_data(as_text=True)
    assert 'flash-warning' in html and "到位日期 2024-01-15 早于下达日期 2024-02-01" in html
    assert count(app, FundArrival) == 3


def test_arrivals_beyond_what_was_issued_are_a_warning_not_a_refusal(app, client, county):
    """ZY02 issued 500,000.00: 400,000 arrives, then 100,000 (exactly what was issued,
    no warning), then 0.01 more: accepted, and questioned after posting and on the page
    beside the arrival that went over (issue 14: 100,000 against 100 issued passed)."""
    signed_in(client, county, "finance")
    for on, amount in (("2024-06-01", "400000"), ("2024-06-02", "100000")):
        r = post_form(client, "/funds/ZY02/arrivals", {"arrived_on": on, "amount": amount},
                      token_from="/funds/ZY02")
        assert r.status_code == 302
        assert "超过下达金额" not in client.get("/funds/ZY02").get_data(as_text=True)
    r = post_form(client, "/funds/ZY02/arrivals", {"arrived_on": "2024-06-03", "amount": "0.01"},
                  token_from="/funds/ZY02")
    assert r.status_code == 302
    html = client.get("/funds/ZY02").get_data(as_text=True)
    warning = "累计到位 500,000.01 元,超过下达金额 500,000.00 元"
    assert 'flash-warning' in html and html.count(warning) == 2  # the flash and the row
    assert count(app, FundArrival) == 5


def test_a_refused_arrival_is_shown_on_the_channel_page(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/arrivals", {"arrived_on": "2024-06-01", "amount": "0"},
                  token_from="/funds/ZY01")
    assert r.status_code == 422
    assert field_errors(r, "amount") == ["到位金额须大于零"]
    assert "PZ1" in text(r)  # the rest of the page is there
    assert count(app, FundArrival) == 2


# --- recoveries (资金收回) -------------------------------------------------------------


def test_finance_records_a_recovery_and_the_figures_count_it(app, client, county):
    signed_in(client, county, "finance")
    page = client.get("/funds/ZY01").get_data(as_text=True)
    assert 'id="recovery-form"' in page and "data-confirm=\"资金收回登记后不能修改或删除" in page
    r = post_form(client, "/funds/ZY01/recoveries",
                  {"recovered_on": "2024-06-10", "amount": "100000", "destination": "pooled",
                   "document_no": "县财〔2024〕9号", "reason": "结存"},
                  token_from="/funds/ZY01")
    assert r.status_code == 302, text(r)
    page = text(client.get("/funds/ZY01?as_of=2024-06-30"))
    assert "已登记资金收回 100,000.00 元(收回统筹)" in page
    assert "2024-06-10 100,000.00 收回统筹 县财〔2024〕9号 结存" in page
    # 支出率 = 8万 / (40万 − 10万); 结余 = 40万 − 8万 − 10万
    assert "支出率(已支出 / (已到位 − 已收回)) 26.67%" in page
    assert "已收回(元) 100,000.00" in page and "结余(元) 220,000.00" in page
    listing = text(client.get("/funds/?as_of=2024-06-30"))
    assert "400,000.00 40.00% 250,000.00 80,000.00 100,000.00 26.67% 220,000.00" in listing


def test_a_pooled_recovery_is_reissued_as_a_new_channel_citing_it(app, client, county):
    from fundtrack.enums import RecoveryDestination
    from tests.factories import recover

    with app.app_context(), unit_of_work("测试"):
        rid = recover(get_source("ZY01"), "100000.00", "2024-06-10",
                      RecoveryDestination.POOLED, "县财〔2024〕9号").id
        recover(get_source("ZY01"), "1000.00", "2024-06-11")  # 上缴上级: not re-issued
    signed_in(client, county, "finance")
    page = client.get("/funds/ZY01").get_data(as_text=True)
    assert page.count("再下达为新渠道") == 1 and f"from_recovery={rid}" in page
    r = client.get(f"/funds/new?from_recovery={rid}")
    assert "收回统筹再下达:资金来源「ZY01」于 2024-06-10 收回 100,000.00 元" in text(r)
    assert input_value(r, "document_no") == "收回统筹:县财〔2024〕9号"
    assert input_value(r, "amount_issued") in ("100000.00", "100,000.00")
    assert '<option selected value="county">' in r.get_data(as_text=True)
    r = post_form(client, "/funds/new", {
        "source_code": "TC2024-01", "name": "收回统筹资金", "level": "county",
        "category": "integrated", "year": "2024", "document_no": "收回统筹:县财〔2024〕9号",
        "amount_issued": "100000.00"}, token_from="/funds/new")
    assert r.status_code == 302
    assert "收回统筹:县财〔2024〕9号" in text(client.get("/funds/TC2024-01"))


def test_a_recovery_beyond_the_cash_goes_back_onto_the_form(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/recoveries",
                  {"recovered_on": "2024-06-10", "amount": "320000.01", "destination": "upward"},
                  token_from="/funds/ZY01")
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "超出到位资金:资金来源「ZY01」截至 2024-06-10 及其后可用的到位资金为 320,000.00 元,"
        "本次收回 320,000.01 元"]
    r = post_form(client, "/funds/ZY01/recoveries",
                  {"recovered_on": "2024-06-10", "amount": "1", "destination": "挪用"},
                  token_from="/funds/ZY01")
    assert r.status_code == 422 and field_errors(r, "destination")


def test_a_viewer_sees_recoveries_but_no_form(client, county):
    signed_in(client, county, "viewer")
    page = client.get("/funds/ZY01").get_data(as_text=True)
    assert "尚无收回记录" in page and 'id="recovery-form"' not in page


# --- allocations and reductions (调减) ------------------------------------------------


def test_finance_allocates_and_reduces(app, client, county):
    signed_in(client, county, "finance")
    r = client.get("/funds/ZY01/allocate?project=XM002")
    assert input_value(r, "project_code") == "XM002"
    assert "填负数为调减" in text(r) and '<option value="XM001">' in r.get_data(as_text=True)
    r = post_form(client, "/funds/ZY01/allocate",
                  {"project_code": "XM002", "amount": "30000", "document_no": "县整合办〔2024〕5号",
                   "allocated_on": "2024-06-01"})
    assert r.status_code == 302
    assert "已安排项目「XM002」资金 30,000.00 元" in text(client.get(r.headers["Location"]))
    r = post_form(client, "/funds/ZY01/allocate", {"project_code": "XM002", "amount": "-20000"})
    assert r.status_code == 302
    assert "已调减项目「XM002」资金 20,000.00 元" in text(client.get(r.headers["Location"]))
    page = text(client.get("/funds/ZY01?as_of=2024-06-30"))
    assert "60,000.00 0.00 0.00% 60,000.00" in page  # XM002: 50,000 + 30,000 − 20,000
    assert count(app, Allocation) == 5


def test_allocation_beyond_the_amount_issued_is_refused(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/allocate", {"project_code": "XM002", "amount": "750000.01"})
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "资金来源「ZY01」累计安排 1,000,000.01 元,超过下达金额 1,000,000.00 元"]
    assert input_value(r, "amount") == "750000.01"
    assert count(app, Allocation) == 3


def test_a_reduction_below_what_was_paid_is_refused(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/allocate", {"project_code": "XM001", "amount": "-120000.01"})
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "调减超出可调减的安排资金:项目「XM001」在资金来源「ZY01」在任一日期可调减的安排资金为 "
        "120,000.00 元,本次调减 120,000.01 元(调减后安排资金不得低于截至同日的已支出;"
        "未填安排日期的调减计入每一日期,可填写调减日期)"]
    assert count(app, Allocation) == 3


def test_allocation_to_an_unknown_project_is_refused_on_the_project_field(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/ZY01/allocate", {"project_code": "XM999", "amount": "1"})
    assert r.status_code == 422
    assert field_errors(r, "project_code") == ["项目编号「XM999」不存在"]
    assert count(app, Allocation) == 3


# --- 项目结余: a settled project's unspent allocation back to its channel ---------------


def test_a_settled_projects_leftover_is_listed_and_reduced_back(app, client, county):
    from fundtrack.enums import MilestoneKind
    from fundtrack.projects.service import get_project
    from tests.factories import milestone

    with app.app_context(), unit_of_work("测试"):
        milestone(get_project("XM001"), MilestoneKind.SETTLED, done="2024-06-01")
    signed_in(client, county, "finance")
    page = text(client.get("/funds/leftovers"))
    # XM001: allocated 20万 from ZY01, paid 8万; XM002 is not settled
    assert "XM001" in page and "200,000.00 80,000.00 120,000.00" in page
    assert "XM002" not in page
    assert 'data-confirm="将项目「XM001」在「ZY01」的结余调减回资金来源' in (
        client.get("/funds/leftovers").get_data(as_text=True))
    r = post_form(client, "/funds/leftovers/return",
                  {"project_code": "XM001", "source_code": "ZY01"}, token_from="/funds/leftovers")
    assert r.status_code == 302
    page = text(client.get("/funds/leftovers"))
    assert "已将项目「XM001」的结余 120,000.00 元调减回资金来源「ZY01」" in page
    assert "没有已报账项目的结余" in page
    with app.app_context():
        rows = fund_ledger(day("2099-01-01"), LedgerFilter(source_code="ZY01")).rows
    assert rows[0]["allocated"] == D("130000.00")  # 25万 − 12万
    # a project not settled is refused, nothing written
    r = post_form(client, "/funds/leftovers/return",
                  {"project_code": "XM002", "source_code": "ZY01"}, token_from="/funds/leftovers")
    assert "项目「XM002」截至" in text(client.get("/funds/leftovers"))
    assert count(app, Allocation) == 4
