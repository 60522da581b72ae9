"""支出: the clerk's payment form with the figures shown before the amount is typed, the
payments list, reversals, who may write, and what the list costs in statements."""

from __future__ import annotations

import re

import pytest

from fundtrack import cache
from fundtrack.database import unit_of_work
from fundtrack.enums import PaymentKind
from fundtrack.extensions import db
from fundtrack.funds.service import get_source
from fundtrack.ledger import LedgerFilter, fund_ledger, project_ledger
from fundtrack.projects.service import get_project
from tests.conftest import csrf_token
from tests.factories import D, allocate, day, pay, project, reverse
from tests.funds.pages import (
    Disbursement,
    count,
    county_fixture,  # noqa: F401  (the `county` fixture)
    field_errors,
    input_value,
    post_form,
    signed_in,
    text,
)

AS_OF = day("2024-06-30")


def _payment(**changes) -> dict:
    data = {"project_code": "XM001", "source_code": "ZY01", "voucher_no": "PZ2",
            "paid_on": "2024-05-10", "amount": "20000.00", "kind": PaymentKind.PROGRESS.value,
            "payee": "某某建筑公司", "memo": "第二期进度款"}
    data.update(changes)
    return data


def _spent(app, project_code="XM001", source_code="ZY01"):
    with app.app_context():
        prj = project_ledger(AS_OF, LedgerFilter(project_code=project_code)).rows[0]
        fund = fund_ledger(AS_OF, LedgerFilter(source_code=source_code)).rows[0]
    return prj["spent"], prj["spending_rate"], fund["spent"], fund["spending_rate"]


# --- posting a payment ---------------------------------------------------------------


def test_clerk_posts_a_payment_and_the_ledgers_move(app, client, county):
    signed_in(client, county, "finance")
    # XM001 allocated 200,000, spent 80,000 (40.00%); ZY01 arrived 400,000 by 06-30 (20.00%)
    assert _spent(app) == (D("80000.00"), D("0.4"), D("80000.00"), D("0.2"))
    r = post_form(client, "/funds/payments/new", _payment(), token_from="/funds/payments/new")
    assert r.status_code == 302
    assert _spent(app) == (D("100000.00"), D("0.5"), D("100000.00"), D("0.25"))
    page = text(client.get(r.headers["Location"]))
    assert "已登记支出:凭证号 PZ2,金额 20,000.00 元" in page
    assert "请注意" not in page  # XM001 was tendered before paying
    # the screens show the new figures
    assert "100,000.00 0.00 25.00% 300,000.00" in text(client.get("/funds/?as_of=2024-06-30"))
    assert "200,000.00 100,000.00 50.00% 100,000.00" in text(
        client.get("/funds/ZY01?as_of=2024-06-30"))
    with app.app_context():
        p = db.session.query(Disbursement).filter_by(voucher_no="PZ2").one()
        assert (p.amount, p.kind, p.payee, p.memo) == (
            D("20000.00"), PaymentKind.PROGRESS, "某某建筑公司", "第二期进度款")


def test_a_payment_on_an_untendered_project_warns(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/payments/new",
                  _payment(project_code="XM002", amount="100"), token_from="/funds/payments/new")
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-warning"' in html
    assert "超过招标限额" in html and "支付时尚未完成招标" in html
    # the project page lists the note under 支出明细: it is not flashed a second time
    assert html.count("支付时尚未完成招标") == 1
    # money in the note as the screens show it (issue 13: "19529.11 元")
    assert "超过招标限额 100,000.00 元" in html


def test_an_overspend_is_refused_with_its_reason_and_nothing_is_written(app, client, county):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/payments/new", _payment(amount="120000.01"),
                  token_from="/funds/payments/new")
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "超出安排资金:项目「XM001」在资金来源「ZY01」截至 2024-05-10 及其后可用的安排资金为 "
        "120,000.00 元,本次支付 120,000.01 元"]
    # what the clerk typed is kept
    assert input_value(r, "voucher_no") == "PZ2" and input_value(r, "amount") == "120000.01"
    assert input_value(r, "payee") == "某某建筑公司"
    assert '<option selected value="ZY01">' in r.get_data(as_text=True)
    assert count(app, Disbursement) == 1
    assert _spent(app)[0] == D("80000.00")


@pytest.mark.parametrize("changes, field, message", [
    # nothing had arrived on ZY01 by 02-28
    ({"amount": "100.00", "paid_on": "2024-02-28", "project_code": "XM002"}, "amount",
     "超出到位资金:资金来源「ZY01」截至 2024-02-28 及其后可用的到位资金为 0.00 元,"
     "本次支付 100.00 元"),
    ({"kind": PaymentKind.SETTLEMENT.value}, "kind",
     "结算款须在项目验收之后支付:项目「XM001」尚未验收"),
    ({"voucher_no": "PZ1"}, "voucher_no", "凭证号「PZ1」已存在"),
    ({"project_code": "XM404"}, "project_code", "项目编号「XM404」不存在"),
    ({"amount": "1.001"}, "amount", "金额「1.001」超过两位小数(元精确到分)"),
    ({"amount": "-5"}, "amount", "支付金额须大于零(冲销请选择支付类型“冲销”)"),
    ({"paid_on": "2024/05/10x"}, "paid_on", "不是有效日期(应为 YYYY-MM-DD)"),
    ({"voucher_no": ""}, "voucher_no", "请填写凭证号"),
])
def test_refused_payments_explain_themselves(app, client, county, changes, field, message):
    signed_in(client, county, "finance")
    r = post_form(client, "/funds/payments/new", _payment(**changes),
                  token_from="/funds/payments/new")
    assert r.status_code in (409, 422)
    assert field_errors(r, field) == [message]
    assert count(app, Disbursement) == 1


def test_a_reversal_cannot_be_posted_from_the_payment_form(app, client, county):
    signed_in(client, county, "finance")
    r = client.get("/funds/payments/new")
    assert f'value="{PaymentKind.REVERSAL.value}"' not in r.get_data(as_text=True)
    r = post_form(client, "/funds/payments/new", _payment(kind=PaymentKind.REVERSAL.value),
                  token_from="/funds/payments/new")
    assert field_errors(r, "kind") == ["请从列表中选择"]
    assert count(app, Disbursement) == 1


# --- what is available, before the amount is typed -------------------------------------


def test_availability_is_worked_out_as_by_hand(client, county):
    signed_in(client, county, "finance")
    # XM001 × ZY01: allocated 200,000 − paid 80,000 = 120,000.
    # ZY01 cash on 04-30: arrived 300,000 − paid 80,000 = 220,000 (the 05-01 arrival
    # is later and cannot cover an earlier payment); on 05-01 and after: 320,000.
    r = client.get("/funds/availability?project=XM001&source=ZY01&paid_on=2024-04-30")
    assert r.status_code == 200
    body = r.get_json()
    assert body["remaining_allocation"] == "120000.00"
    assert body["available_cash"] == "220000.00"
    assert body["sources"] == [{"code": "ZY01", "name": "中央财政衔接推进乡村振兴补助资金ZY01"}]
    body = client.get("/funds/availability?project=XM001&source=ZY01&paid_on=2024-05-01").get_json()
    assert body["available_cash"] == "320000.00"
    # before any money arrived
    body = client.get("/funds/availability?project=XM002&source=ZY01&paid_on=2024-02-28").get_json()
    assert (body["remaining_allocation"], body["available_cash"]) == ("50000.00", "0.00")
    # XM002 draws on two channels; ZY02 has nothing arrived
    body = client.get("/funds/availability?project=XM002&source=ZY02").get_json()
    assert [s["code"] for s in body["sources"]] == ["ZY01", "ZY02"]
    assert (body["remaining_allocation"], body["available_cash"]) == ("10000.00", "0.00")


def test_a_backdated_payment_sees_the_least_balance_after_its_date(app, client, county):
    # a payment of 300,000 on 05-02 uses the 05-01 arrival; a payment dated 04-01 may
    # then take only what stays free at every later date: 400,000 − 380,000 = 20,000
    with app.app_context(), unit_of_work("测试"):
        prj, src = get_project("XM001"), get_source("ZY01")
        allocate(prj, src, "500000.00")
        pay("PZ9", prj, src, "300000.00", "2024-05-02")
    signed_in(client, county, "finance")
    body = client.get("/funds/availability?project=XM001&source=ZY01&paid_on=2024-04-01").get_json()
    assert body["available_cash"] == "20000.00"
    assert body["remaining_allocation"] == "320000.00"


def test_a_payment_before_its_allocation_is_refused_and_the_form_says_so(
        app, client, county):
    with app.app_context(), unit_of_work("测试"):
        prj = project("XM009")
        allocate(prj, get_source("ZY01"), "50000.00", "2024-09-16")
    signed_in(client, county, "finance")
    body = client.get("/funds/availability?project=XM009&source=ZY01&paid_on=2024-05-10"
                      ).get_json()
    assert body["remaining_allocation"] == "0.00"
    body = client.get("/funds/availability?project=XM009&source=ZY01&paid_on=2024-09-16"
                      ).get_json()
    assert body["remaining_allocation"] == "50000.00"
    r = post_form(client, "/funds/payments/new",
                  _payment(project_code="XM009", amount="50000.00", paid_on="2024-05-10"),
                  token_from="/funds/payments/new")
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "超出安排资金:项目「XM009」在资金来源「ZY01」截至 2024-05-10 及其后可用的安排资金为 "
        "0.00 元,本次支付 50,000.00 元"]
    assert _spent(app, "XM009")[0] == D("0.00") and count(app, Disbursement) == 1


def test_availability_without_or_with_bad_arguments(client, county):
    signed_in(client, county, "finance")
    body = client.get("/funds/availability").get_json()
    assert body["remaining_allocation"] is None and body["available_cash"] is None
    body = client.get("/funds/availability?source=ZY01&paid_on=2024-04-30").get_json()
    assert (body["remaining_allocation"], body["available_cash"]) == (None, "220000.00")
    r = client.get("/funds/availability?project=XM404&source=ZY01")
    assert r.status_code == 404
    assert r.get_json()["errors"] == [{"field": "project", "message": "项目编号「XM404」不存在"}]
    r = client.get("/funds/availability?project=XM001&source=ZY01&paid_on=yesterday")
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "paid_on"


def test_the_form_shows_availability_without_javascript(client, county):
    signed_in(client, county, "finance")
    r = client.get("/funds/payments/new?project=XM001&source=ZY01&paid_on=2024-04-30")
    page = text(r)
    assert "可用安排资金 (截至支付日及其后) 120,000.00 元" in page
    assert "可用到位资金 (截至支付日及其后) 220,000.00 元" in page
    assert input_value(r, "paid_on") == "2024-04-30"
    assert 'src="/static/js/payments.js"' in r.get_data(as_text=True)
    assert "<script>" not in r.get_data(as_text=True)
    # the "查看可用额度" button posts the typed values back without posting a payment
    r = post_form(client, "/funds/payments/new",
                  _payment(project_code="XM002", source_code="ZY02", check="1"),
                  token_from="/funds/payments/new")
    assert r.status_code == 200
    assert "可用安排资金 (截至支付日及其后) 10,000.00 元" in text(r)
    assert field_errors(r, "amount") == []


def test_the_channel_select_lists_the_projects_channels(client, county):
    signed_in(client, county, "finance")
    html = client.get("/funds/payments/new?project=XM001").get_data(as_text=True)
    assert 'value="ZY01"' in html and 'value="ZY02"' not in html
    html = client.get("/funds/payments/new").get_data(as_text=True)
    assert 'value="ZY01"' in html and 'value="ZY02"' in html
    # a project with no allocation says so
    assert "尚无资金安排" not in text(client.get("/funds/payments/new?project=XM001"))


# --- the payments list ---------------------------------------------------------------


@pytest.fixture
def reversed_once(app, county):
    with app.app_context(), unit_of_work("测试"):
        original = db.session.query(Disbursement).filter_by(voucher_no="PZ1").one()
        reverse("HC1", original, "-30000.00", "2024-03-10")
    return county


def test_payments_list_newest_first_with_reversals_marked(client, reversed_once):
    signed_in(client, reversed_once, "viewer")
    r = client.get("/funds/payments")
    page = text(r)
    assert page.index("HC1 2024-03-10") < page.index("PZ1 2024-03-05")
    assert "冲销 冲回 PZ1 -30,000.00" in page
    assert "30,000.00" in page.split("PZ1 2024-03-05")[1]  # 已冲回 on the original
    html = r.get_data(as_text=True)
    assert 'href="/funds/payments?q=PZ1#pz-PZ1"' in html
    assert "/reverse" not in html  # a viewer may not reverse


def test_payments_list_filters_and_sorts(client, reversed_once):
    signed_in(client, reversed_once, "auditor")

    def vouchers(query):
        page = text(client.get("/funds/payments?" + query))
        return [v for v in ("HC1", "PZ1") if f"{v} 2024" in page]

    assert vouchers("kind=冲销") == ["HC1"]
    assert vouchers(f"kind={PaymentKind.PROGRESS.value}") == ["PZ1"]
    assert vouchers("from=2024-03-06") == ["HC1"]
    assert vouchers("to=2024-03-06") == ["PZ1"]
    assert vouchers("q=HC") == ["HC1"]
    assert vouchers("q=某某建筑") == ["HC1", "PZ1"]
    assert vouchers("project=XM002") == []
    assert vouchers("source=ZY01&project=XM001") == ["HC1", "PZ1"]
    page = text(client.get("/funds/payments?sort=amount"))
    assert page.index("HC1 2024") < page.index("PZ1 2024")
    page = text(client.get("/funds/payments?sort=-amount"))
    assert page.index("PZ1 2024") < page.index("HC1 2024")
    r = client.get("/funds/payments?sort=bogus&from=notadate&kind=赠款")
    assert r.status_code == 200 and "不能按「bogus」排序" in text(r)


def test_payments_list_pages_by_50(app, client, county):
    with app.app_context(), unit_of_work("测试"):
        prj, src = get_project("XM001"), get_source("ZY01")
        for i in range(60):
            pay(f"P{i:03d}", prj, src, "100.00", "2024-06-01")
    signed_in(client, county, "viewer")
    page = text(client.get("/funds/payments"))
    assert "共 61 条,第 1 / 2 页" in page
    assert "P059 2024-06-01" in page and "P009 2024-06-01" not in page
    page = text(client.get("/funds/payments?page=2"))
    assert "P009 2024-06-01" in page and "PZ1 2024-03-05" in page


def test_payments_list_totals_and_downloads_its_selection(app, client, reversed_once):
    """支出: a 合计 row over every page of the filter (reversals netted) and a download of
    the same selection, named by its filter (issue 13)."""
    import io
    from urllib.parse import quote

    import openpyxl

    signed_in(client, reversed_once, "auditor")
    html = client.get("/funds/payments?per_page=1").get_data(as_text=True)
    foot = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert "合计(共 2 条" in foot and ">50,000.00<" in foot  # 80,000 − 30,000, both pages
    html = client.get("/funds/payments?kind=冲销").get_data(as_text=True)
    foot = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert "合计(共 1 条" in foot and ">-30,000.00<" in foot
    assert 'href="/funds/payments.xlsx?kind=%E5%86%B2%E9%94%80"' in html
    r = client.get("/funds/payments.xlsx?kind=冲销&project=XM001&from=2024-03-01")
    assert r.status_code == 200
    assert quote("支出明细_项目XM001_冲销_2024-03-01至_导出于") in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.get_data()), read_only=True)
    rows = [list(row) for row in book["支出明细"].iter_rows(values_only=True)]
    book.close()
    assert "共 1 条" in rows[0][0]
    assert rows[1][:5] == ["凭证号", "项目编号", "资金来源编号", "支付日期", "支付金额"]
    assert rows[2][0] == "HC1" and rows[2][4] == -30000 and rows[2][7] == "PZ1"
    assert rows[3][0] == "合计" and rows[3][4] == -30000
    whole = client.get("/funds/payments.xlsx")
    assert quote("支出明细_全部_导出于") in whole.headers["Content-Disposition"]
    assert client.get("/funds/payments.xlsx?from=notadate").status_code == 400




def test_payments_list_costs_the_same_statements_for_5_and_50_payments(app, client, county,
                                                                       count_statements):
    signed_in(client, county, "finance")

    def add(n, start):
        with app.app_context(), unit_of_work("测试"):
            prj, src = get_project("XM001"), get_source("ZY01")
            for i in range(start, start + n):
                pay(f"Q{i:03d}", prj, src, "10.00", "2024-06-01")

    add(4, 0)  # 5 payments with PZ1
    few = count_statements(client, "/funds/payments")
    add(45, 4)  # 50
    many = count_statements(client, "/funds/payments")
    assert few == many
    assert many <= 4  # the user, the page, the count with the 合计 (nothing per row)
    # the channel's page, each time for the first reader (no figure kept from before)
    first = []
    for _ in range(2):
        cache.clear(app)
        first.append(count_statements(client, "/funds/ZY01"))
    assert first[0] == first[1]


# --- reversals -----------------------------------------------------------------------


def test_reversal_through_the_form_and_a_second_full_reversal_refused(app, client, county):
    signed_in(client, county, "finance")
    html = client.get("/funds/payments").get_data(as_text=True)
    assert 'href="/funds/payments/PZ1/reverse"' in html
    r = client.get("/funds/payments/PZ1/reverse")
    page = text(r)
    assert "支付金额 80,000.00 元" in page and "可冲回余额 80,000.00 元" in page
    assert input_value(r, "amount") == "80000.00"  # everything left, typed positive
    assert 'data-confirm="确认红字冲回凭证 PZ1?"' in r.get_data(as_text=True)
    r = post_form(client, "/funds/payments/PZ1/reverse",
                  {"voucher_no": "HC1", "paid_on": "2024-03-20", "amount": "80000.00",
                   "memo": "收款单位错误,红字冲回"})
    assert r.status_code == 302
    assert "已红字冲回凭证 PZ1:冲销凭证号 HC1,金额 -80,000.00 元" in text(
        client.get(r.headers["Location"]))
    with app.app_context():
        hc = db.session.query(Disbursement).filter_by(voucher_no="HC1").one()
        assert (hc.amount, hc.kind, hc.reverses.voucher_no, hc.memo) == (
            D("-80000.00"), PaymentKind.REVERSAL, "PZ1", "收款单位错误,红字冲回")
    assert _spent(app)[0] == D("0.00")
    # the second one
    r = client.get("/funds/payments/PZ1/reverse")
    assert "已冲回 80,000.00 元" in text(r) and "可冲回余额 0.00 元" in text(r)
    r = post_form(client, "/funds/payments/PZ1/reverse",
                  {"voucher_no": "HC2", "paid_on": "2024-03-21", "amount": "80000.00",
                   "memo": "再冲一次"})
    assert r.status_code == 409
    assert field_errors(r, "amount") == [
        "冲销金额超过原凭证「PZ1」可冲销的余额 0.00 元(已全部冲销)"]
    assert count(app, Disbursement) == 2


def test_reversal_is_offered_while_something_is_left_on_every_page(app, client, county):
    """PZ1 reversed whole, PZ2 in part: only PZ2 offers 冲销, on the channel page, the
    payments list and the project page alike; a reversal never does."""
    with app.app_context(), unit_of_work("测试"):
        prj, src = get_project("XM001"), get_source("ZY01")
        pz1 = db.session.query(Disbursement).filter_by(voucher_no="PZ1").one()
        reverse("HC1", pz1, "-50000.00", "2024-03-10")
        reverse("HC2", pz1, "-30000.00", "2024-03-11")
        pz2 = pay("PZ2", prj, src, "10000.00", "2024-03-12")
        reverse("HC3", pz2, "-4000.00", "2024-03-13")
    signed_in(client, county, "finance")
    for path in ("/funds/ZY01", "/funds/payments", "/projects/XM001"):
        html = client.get(path).get_data(as_text=True)
        offered = re.findall(r'href="/funds/payments/([^"/]+)/reverse"', html)
        assert offered == ["PZ2"], (path, offered)


@pytest.mark.parametrize("changes, field, message", [
    ({"paid_on": "2024-03-01"}, "paid_on",
     "冲销日期 2024-03-01 早于原凭证「PZ1」的支付日期 2024-03-05"),
    ({"memo": "   "}, "memo", "冲销须在摘要中写明原因"),
    ({"memo": ""}, "memo", "请填写冲销原因"),
    ({"amount": "-100"}, "amount", "请填写正数,系统将按负数(红字)过账"),
    ({"amount": "80000.01"}, "amount", "冲销金额超过原凭证「PZ1」可冲销的余额 80,000.00 元"),
    ({"voucher_no": "PZ1"}, "voucher_no", "凭证号「PZ1」已存在"),
])
def test_refused_reversals_explain_themselves(app, client, county, changes, field, message):
    signed_in(client, county, "finance")
    data = {"voucher_no": "HC1", "paid_on": "2024-03-20", "amount": "100", "memo": "录入错误"}
    r = post_form(client, "/funds/payments/PZ1/reverse", {**data, **changes})
    assert r.status_code in (409, 422)
    assert field_errors(r, field) == [message]
    assert count(app, Disbursement) == 1


def test_a_reversal_cannot_itself_be_reversed(app, client, reversed_once):
    signed_in(client, reversed_once, "finance")
    r = post_form(client, "/funds/payments/HC1/reverse",
                  {"voucher_no": "HC2", "paid_on": "2024-03-20", "amount": "1", "memo": "x"})
    assert r.status_code == 422
    assert "凭证「HC1」本身是冲销凭证,不能再冲销" in text(r)
    assert client.get("/funds/payments/NOPE/reverse").status_code == 404
    assert count(app, Disbursement) == 2


# --- who may write -------------------------------------------------------------------

_WRITES = [
    ("/funds/new", {"source_code": "X1", "name": "x", "level": "central",
                    "category": "poverty", "year": "2024", "amount_issued": "1"}),
    ("/funds/ZY01/arrivals", {"arrived_on": "2024-06-01", "amount": "1"}),
    ("/funds/ZY01/allocate", {"project_code": "XM001", "amount": "1"}),
    ("/funds/payments/new", _payment()),
    ("/funds/payments/PZ1/reverse", {"voucher_no": "HC1", "paid_on": "2024-03-20",
                                     "amount": "1", "memo": "x"}),
]


@pytest.mark.parametrize("role", ["viewer", "auditor", "manager"])
def test_only_finance_and_admin_may_write(app, client, county, role):
    signed_in(client, county, role)
    token = csrf_token(client, "/funds/")  # any page's form (the sign-out form) carries one
    for path, data in _WRITES:
        if not path.endswith("/arrivals"):
            assert client.get(path).status_code == 403, path
        for body in (data, {}, {"amount": "nonsense", "kind": "冲销"}):
            r = client.post(path, data={**body, "csrf_token": token})
            assert r.status_code == 403, (path, body)
    assert client.get("/funds/availability?project=XM001&source=ZY01").status_code == 403
    assert count(app, Disbursement) == 1
    page = client.get("/funds/payments").get_data(as_text=True)
    assert "登记支出" not in page and "/reverse" not in page


def test_admin_may_write(app, client, county):
    signed_in(client, county, "admin")
    r = post_form(client, "/funds/payments/new", _payment(), token_from="/funds/payments/new")
    assert r.status_code == 302
    assert count(app, Disbursement) == 2
