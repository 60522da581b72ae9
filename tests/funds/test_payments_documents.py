"""支出: the list filters on 要件不全, the payments lacking a document their kind's
checklist (a setting) wants; the download names the filter."""

from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl

from fundtrack.database import unit_of_work
from fundtrack.enums import PaymentKind
from fundtrack.funds.service import get_source
from fundtrack.projects.service import get_project
from fundtrack.settings.service import set_checklist
from tests.attachments.samples import PDF, attach
from tests.factories import pay, reverse
from tests.funds.pages import (
    county_fixture,  # noqa: F401  (the `county` fixture)
    signed_in,
    text,
)

VOUCHERS = ("PZ1", "PZ2", "PZ3", "PZ4", "HC4")


def listed(client, query=""):
    page = text(client.get("/funds/payments?" + query))
    return [v for v in VOUCHERS if f"{v} 2024" in page]


def test_the_payments_list_filters_on_missing_documents(app, client, county):
    """PZ1 (进度款) lacks its 发票; PZ2 (预付款) has its 合同; PZ3 (进度款) has its 发票;
    PZ4 (进度款) is reversed in full by HC4: neither needs any document."""
    with app.app_context(), unit_of_work("测试"):
        prj, src = get_project("XM001"), get_source("ZY01")
        pay("PZ2", prj, src, "1000.00", "2024-03-06", kind=PaymentKind.ADVANCE)
        pay("PZ3", prj, src, "1000.00", "2024-03-07")
        wrong = pay("PZ4", prj, src, "500.00", "2024-03-08")
        reverse("HC4", wrong, "-500.00", "2024-03-09")
        attach("disbursement:PZ2", "合同", PDF, "合同.pdf")
        attach("disbursement:PZ3", "发票", PDF + b"1", "发票.pdf")
    signed_in(client, county, "auditor")
    assert listed(client) == list(VOUCHERS)
    assert listed(client, "docs=incomplete") == ["PZ1"]
    html = client.get("/funds/payments?docs=incomplete").get_data(as_text=True)
    assert 'name="docs" value="incomplete" checked' in html
    foot = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert "合计(共 1 条" in foot and ">80,000.00<" in foot
    r = client.get("/funds/payments.xlsx?docs=incomplete")
    assert quote("支出明细_要件不全_导出于") in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.get_data()), read_only=True)
    rows = [list(row) for row in book["支出明细"].iter_rows(values_only=True)]
    book.close()
    assert [row[0] for row in rows[2:]] == ["PZ1", "合计"]
    # the admin no longer asks an advance for its contract but for its award notice
    with app.app_context(), unit_of_work("测试"):
        set_checklist({"预付款": ["中标通知书"], "进度款": []})
    assert listed(client, "docs=incomplete") == ["PZ2"]
    assert listed(client, "docs=incomplete&kind=进度款") == []
