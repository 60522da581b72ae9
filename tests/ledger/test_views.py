"""台账 screens: each report with its total row, paging that keeps the total of all rows,
元/万元, filters, sorting, bad input as a message, the download link, statement counts."""

from __future__ import annotations

import io
import os
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from fundtrack.formatting import money
from fundtrack.ledger import REPORTS
from tests.conftest import login
from tests.dashboard.county import AS_OF, build_county, build_projects
from tests.factories import day

TITLES = {"projects": "项目台账", "allocations": "项目资金台账", "funds": "资金台账",
          "carryover": "结转结余", "overdue": "逾期清单", "summary": "汇总"}


@pytest.fixture
def viewer(app, client, users):
    login(client, users["viewer"])
    return client


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r"<tr[ >].*?</tr>", body, re.S)


def _total(html: str) -> str:
    return html[html.index("<tfoot>"):html.index("</tfoot>")]


@pytest.mark.parametrize("name", list(REPORTS))
def test_each_report_renders_with_its_total(app, viewer, name):
    build_county(app)
    r = viewer.get(f"/ledger/{name}?as_of={AS_OF}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert TITLES[name] in html
    assert "测试县" in html and "截至2024年06月30日" in html
    with app.app_context():
        report = REPORTS[name](day(AS_OF))
    assert len(_rows(html)) == len(report.rows)
    if report.total is None:
        assert "<tfoot>" not in html
    else:
        total = _total(html)
        assert "合计" in total
        for c in report.sheet.columns:
            if c.kind == "money":
                assert f">{money(report.total[c.key])}<" in total, c.key


def test_ledger_index_is_the_project_ledger(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/?as_of={AS_OF}").get_data(as_text=True)
    assert "项目台账" in html and "XM001" in html and "XM003" in html
    assert viewer.get("/ledger/nosuch").status_code == 404


def test_project_ledger_figures(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}").get_data(as_text=True)
    total = _total(html)
    # 3 projects: invested 1,000,000, allocated 1,000,000, spent 523,456.78 (52.35%)
    assert ">1,000,000.00<" in total and ">523,456.78<" in total and ">52.35%<" in total


def test_paging_keeps_the_total_of_all_rows(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&per_page=2").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 2 and "XM001" in rows[0] and "XM002" in rows[1]
    assert ">523,456.78<" in _total(html)
    assert "共 3 条,第 1 / 2 页" in html
    html2 = viewer.get(f"/ledger/projects?as_of={AS_OF}&per_page=2&page=2").get_data(
        as_text=True)
    assert len(_rows(html2)) == 1 and "XM003" in _rows(html2)[0]
    assert ">523,456.78<" in _total(html2)


def test_fifty_rows_a_page_by_default(app, viewer):
    build_projects(app, 55)
    html = viewer.get("/ledger/projects?as_of=2024-06-30").get_data(as_text=True)
    assert len(_rows(html)) == 50
    assert "共 55 条,第 1 / 2 页" in html
    assert ">275,000.00<" in _total(html)  # 55 x 5,000 spent, all rows


def test_wan_divides_by_ten_thousand_with_two_decimals(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&money=wan").get_data(as_text=True)
    total = _total(html)
    assert ">52.35<" in total  # 523,456.78 元
    assert ">100.00<" in total  # 1,000,000.00 元
    assert "523,456.78" not in html
    assert "已支出(万元)" in html
    assert "金额单位:万元" in html
    row2 = _rows(html)[1]
    assert ">12.35<" in row2  # XM002: 123,456.78 元 → 12.35 万元


def test_filters_narrow_the_rows_and_persist(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&township=城关镇").get_data(as_text=True)
    codes = re.findall(r">(XM\d+)</a></td>", html)
    assert codes == ["XM001", "XM003"]
    assert '<option value="城关镇" selected>城关镇</option>' in html
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&unit=县水利局&year=2024").get_data(
        as_text=True)
    assert re.findall(r">(XM\d+)</a></td>", html) == ["XM002"]
    assert ">123,456.78<" in _total(html)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&priority=是").get_data(as_text=True)
    assert re.findall(r">(XM\d+)</a></td>", html) == ["XM001"]
    html = viewer.get(f"/ledger/allocations?as_of={AS_OF}&q=XM002").get_data(as_text=True)
    assert re.findall(r">(XM\d+)</a></td>", html) == ["XM002"]
    assert 'value="XM002"' in html
    # the tabs keep the selection
    assert "/ledger/funds?as_of=2024-06-30&amp;q=XM002" in html


def test_as_of_decides_the_figures(app, viewer):
    build_county(app)
    html = viewer.get("/ledger/projects?as_of=2024-03-31").get_data(as_text=True)
    assert ">350,000.00<" in _total(html)  # only P001 paid by then
    assert "截至2024年03月31日" in html


def test_sorting_by_a_column(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&sort=-spent").get_data(as_text=True)
    assert re.findall(r">(XM\d+)</a></td>", html) == ["XM001", "XM002", "XM003"]
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&sort=spent").get_data(as_text=True)
    assert re.findall(r">(XM\d+)</a></td>", html) == ["XM003", "XM002", "XM001"]
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize("query, message", [
    ("as_of=2024-02-30", "不是有效日期"),
    ("as_of=yesterday", "不是有效日期"),
    ("year=abc", "不是整数"),
    ("sort=nosuch", "不能按"),
    ("priority=maybe", "是"),
    ("page=0", "page"),
])
def test_bad_input_is_a_message_not_an_error(app, viewer, query, message):
    r = viewer.get(f"/ledger/projects?{query}")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html and 'role="alert"' in html
    assert "<form" in html  # the form is there to correct it


def _download(html: str) -> dict:
    href = re.search(r'href="(/export/workbook[^"]*)"', html).group(1)
    return parse_qs(urlsplit(href.replace("&amp;", "&")).query)


def test_download_is_for_that_date_and_year(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/funds?as_of={AS_OF}&year=2024").get_data(as_text=True)
    args = _download(html)
    assert args == {"as_of": [AS_OF], "year": ["2024"]}
    r = viewer.get(f"/export/workbook?as_of={AS_OF}&year=2024")
    assert r.status_code == 200
    assert r.data[:2] == b"PK"
    # without a date, today's
    assert "as_of" in _download(viewer.get("/ledger/funds").get_data(as_text=True))


def test_download_link_carries_every_filter(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&township=城关镇&q=XM").get_data(
        as_text=True)
    assert _download(html) == {"as_of": [AS_OF], "township": ["城关镇"], "q": ["XM"]}


def test_download_with_other_filters_is_that_selection(app, viewer):
    build_county(app)
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}&township=城关镇").get_data(as_text=True)
    args = {k: v[0] for k, v in _download(html).items()}
    r = viewer.get("/export/workbook", query_string=args)
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    codes = [row[0] for row in book["项目台账"].iter_rows(values_only=True)
             if row and str(row[0] or "").startswith("XM")]
    assert codes == ["XM001", "XM003"]
    book.close()




def test_statement_count_does_not_grow_with_rows(app, client, users, count_statements):
    """The dashboard, /ledger/projects and /history/ run as many statements for 5 rows as
    for 50."""
    login(client, users["auditor"])
    pages = ("/ledger/projects?as_of=2024-06-30", "/history/", "/?as_of=2024-06-30",
             "/warnings/counts?as_of=2024-06-30")
    build_projects(app, 5, "A")
    few = [count_statements(client, p) for p in pages]
    build_projects(app, 45, "B")
    many = [count_statements(client, p) for p in pages]
    html = client.get(pages[0]).get_data(as_text=True)
    assert len(_rows(html)) == 50
    assert len(_rows(client.get(pages[1]).get_data(as_text=True))) == 50
    assert "逾期" in client.get(pages[2]).get_data(as_text=True)
    assert few == many
    # The first reader after a write: the user, the data's version, then rows + total
    # (which counts them too) + the filter choices; the user, a page, its count, and
    # one statement per kind of record its changes refer to (projects, channels, units:
    # named by code, not by id) and the actors' real names (accounts); the user, the
    # version, channels by category, the 结转结余 total, progress, overdue page +
    # count; the dashboard's warning block: the user, the version, four settings
    # (tendering threshold, warning thresholds, the year's thresholds, the payment
    # checklist) and one statement counting every rule's warnings.
    assert many == [5, 3 + 4, 7, 2 + 4 + 1]
    # The next reader, nothing written since: the user and the version; the history is
    # not kept.
    again = [count_statements(client, p) for p in pages]
    assert again == [2, 3 + 4, 2, 2]


def test_project_page_statements_do_not_grow_with_its_payments(app, client, users,
                                                                count_statements):
    """A project page with one payment and with twenty (each questioned by the tendering
    warning) runs the same statements."""
    from fundtrack.database import unit_of_work
    from fundtrack.projects.service import get_project
    from tests import factories as f

    login(client, users["auditor"])
    with app.app_context(), unit_of_work("县财政局"):
        src = f.source("ZY01", "1000000.00")
        f.arrive(src, "1000000.00", "2024-01-02")
        p = f.project("XM001", "900000.00")  # above the threshold, never tendered
        f.allocate(p, src, "900000.00")
        f.pay("P00", p, src, "1000.00", "2024-02-01")
    path = "/projects/XM001?as_of=2024-06-30"
    one = count_statements(client, path)
    with app.app_context(), unit_of_work("县财政局"):
        p, src = get_project("XM001"), f.funds.get_source("ZY01")
        for i in range(1, 20):
            f.pay(f"P{i:02d}", p, src, "1000.00", "2024-02-01")
    html = client.get(path).get_data(as_text=True)
    assert html.count("P1") >= 10 and "尚未完成招标" in html
    assert count_statements(client, path) == one


def test_download_is_streamed_from_a_temporary_file_removed_once_sent(
        app, viewer, monkeypatch):
    """The workbook is sent from disk in chunks, not built in memory, and its temporary
    file is gone once the download has been read."""
    import tempfile

    import fundtrack.workbook.download as api_ledger

    build_county(app)
    made = []
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        fd, path = real(*args, **kwargs)
        if path.endswith(".xlsx"):  # not xlsxwriter's own temporary files
            made.append(path)
        return fd, path

    monkeypatch.setattr(api_ledger.tempfile, "mkstemp", mkstemp)
    r = viewer.get(f"/api/v1/export.xlsx?as_of={AS_OF}", buffered=False)
    assert r.status_code == 200 and r.is_streamed
    assert len(made) == 1 and os.path.exists(made[0])  # nothing read yet
    data = r.get_data()
    r.close()
    assert not os.path.exists(made[0])
    assert int(r.headers["Content-Length"]) == len(data)
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6" in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert "项目台账" in book.sheetnames
    book.close()


def test_a_download_closed_unread_leaves_no_file(app, viewer, monkeypatch):
    import tempfile

    import fundtrack.workbook.download as api_ledger

    made = []
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        fd, path = real(*args, **kwargs)
        if path.endswith(".xlsx"):  # not xlsxwriter's own temporary files
            made.append(path)
        return fd, path

    monkeypatch.setattr(api_ledger.tempfile, "mkstemp", mkstemp)
    r = viewer.get(f"/api/v1/export.xlsx?as_of={AS_OF}", buffered=False)
    r.close()
    assert made and not os.path.exists(made[0])


def test_summary_footnote_counts_projects_not_rows(app, viewer):
    """汇总's total is the sum of the projects in scope, not of its rows (each project is
    in one township row and one unit row): the footnote says so (issue 13)."""
    build_county(app)
    html = viewer.get(f"/ledger/summary?as_of={AS_OF}").get_data(as_text=True)
    note = re.search(r'<p class="muted footnote">(.*?)</p>', html, re.S).group(1)
    assert "全部 3 个项目之和" in note and "条记录" not in note
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}").get_data(as_text=True)
    assert "合计为全部 3 条记录之和" in html


def test_a_filtered_download_names_its_filter(app, viewer):
    """The whole ledger and a filtered one no longer share a file name (issue 13)."""
    from urllib.parse import quote

    build_county(app)
    whole = viewer.head(f"/api/v1/export.xlsx?as_of={AS_OF}")
    assert quote(f"台账_全部_截至{AS_OF}.xlsx") in whole.headers["Content-Disposition"]
    r = viewer.head(f"/api/v1/export.xlsx?as_of={AS_OF}&year=2024&township=城关镇"
                    "&unit=县水利局&priority=是")
    name = quote(f"台账_2024年度_城关镇_县水利局_重点村_截至{AS_OF}.xlsx")
    assert f"filename*=UTF-8''{name}" in r.headers["Content-Disposition"]
    # a search with characters no file name may hold
    r = viewer.head(f"/api/v1/export.xlsx?as_of={AS_OF}&q=a/b")
    assert quote(f"台账_含“a-b”_截至{AS_OF}.xlsx") in r.headers["Content-Disposition"]


def test_ledger_tables_link_project_codes_to_their_page(app, viewer):
    build_county(app)
    for name in ("projects", "allocations", "overdue"):
        html = viewer.get(f"/ledger/{name}?as_of={AS_OF}").get_data(as_text=True)
        assert f'<a href="/projects/XM001?as_of={AS_OF}">XM001</a>' in html, name
    # the 合计 row is no project
    html = viewer.get(f"/ledger/projects?as_of={AS_OF}").get_data(as_text=True)
    assert ">合计</a>" not in _total(html)
