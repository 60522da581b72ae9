"""导入县级台账 in the browser's requests: upload, the mapping page, check, confirm, save;
next month's file with the saved mapping is checked at once and confirmed in one step."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fundtrack.database import unit_of_work
from fundtrack.enums import Level
from fundtrack.ledger import project_ledger
from fundtrack.projects.service import get_or_create_unit
from tests import factories as f
from tests.conftest import login
from tests.workbook import county_books as books


@pytest.fixture
def county(app, users):
    with app.app_context(), unit_of_work("测试"):
        for code, level in (("ZY2024", Level.CENTRAL), ("SJ2024", Level.PROVINCIAL),
                            ("XJ2024", Level.COUNTY)):
            f.arrive(f.source(code, "50000000.00", level=level, year=2024),
                     "20000000.00", "2024-01-15")
        for unit in books.QUESHAN_UNITS | books.BIYANG_UNITS | books.ZHENGYANG_UNITS:
            get_or_create_unit(unit)
    return users


def form_values(html: str) -> dict:
    """What the page's mapping form would send as it stands: the CSRF token, every
    select's selected option, every text and hidden input's value."""
    data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]* selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input[^>]*name="((?:unit-\d+-from)|as_of|year|save_as)"'
                                  r'[^>]*value="([^"]*)"', html):
        data[name] = value
    data.pop("sheet", None)
    return data


def shown(html: str, name: str) -> bool:
    """Is the select ``name`` drawn visible (not ``hidden``) on the page as served?"""
    tag = re.search(rf'<select name="{name}"[^>]*>', html).group(0)
    return " hidden" not in tag


def upload(client, path, mapping=""):
    html = client.get("/import/county/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    with open(path, "rb") as fh:
        return client.post("/import/county/", data={
            "csrf_token": token, "workbook": (fh, path.name), "mapping": mapping,
        }, content_type="multipart/form-data")


def test_map_check_confirm_and_save(app, county, tmp_path):
    client = app.test_client()
    login(client, county["finance"])
    ledger = books.queshan(tmp_path / "确山县台账.xlsx")
    r = upload(client, ledger.path)
    assert r.status_code == 302
    page = r.headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "表头在第 3、4 行" in html and "单位:万元" in html
    assert "资金来源/中央" in html and 'value="2024-06-30"' in html
    data = form_values(html)
    assert data["col-7-field"] == "allocated" and data["col-7-source"] == "ZY2024"
    assert data["col-7-unit"] == "万元"
    # drawn as it should look before any script runs: a channel's and a unit's choice
    # only beside an amount of a channel, a unit's beside any amount
    assert shown(html, "col-7-source") and shown(html, "col-7-unit")
    assert not shown(html, "col-0-source") and not shown(html, "col-0-unit")
    # checked: nothing written yet
    r = client.post(page, data={**data, "action": "check"})
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "检查通过(尚未写入):新增项目 4 个" in text
    assert "无凭证明细" in text
    with app.app_context():
        assert project_ledger(dt.date(2025, 1, 1)).count == 0
    # confirmed and saved as a mapping
    r = client.post(page, data={**data, "action": "confirm", "save_as": "确山县项目台账"})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    with app.app_context():
        total = project_ledger(dt.date(2025, 1, 1)).total
        assert (total["allocated"], total["spent"]) == (ledger.allocated, ledger.paid)
    admin = app.test_client()
    login(admin, county["admin"])
    assert "确山县项目台账" in admin.get("/settings/").get_data(as_text=True)
    # next month: the saved mapping checks the file at once; one confirmation imports it
    july = books.queshan(tmp_path / "july.xlsx", as_of=dt.date(2024, 7, 31), paid_more="2")
    r = upload(client, july.path, mapping="确山县项目台账")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "更新已有项目 4 个" in html
    r = client.post(r.headers["Location"], data={**form_values(html), "action": "confirm"})
    assert r.status_code == 302
    with app.app_context():
        assert project_ledger(dt.date(2025, 1, 1)).total["spent"] == july.paid


def test_a_column_mapped_twice_is_named_and_nothing_written(app, county, tmp_path):
    client = app.test_client()
    login(client, county["finance"])
    ledger = books.queshan(tmp_path / "qs.xlsx")
    page = upload(client, ledger.path).headers["Location"]
    data = form_values(client.get(page).get_data(as_text=True))
    data["col-4-field"] = "name"  # 建设内容及规模 as 项目名称 too
    r = client.post(page, data={**data, "action": "confirm"})
    text = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "「项目名称」已由列「项目名称」对应:一个字段只能对应一列" in text
    with app.app_context():
        assert project_ledger(dt.date(2025, 1, 1)).count == 0


def test_a_file_that_is_no_workbook(app, county, tmp_path):
    client = app.test_client()
    login(client, county["finance"])
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"not a zip")
    r = upload(client, bad)
    assert r.status_code == 422 and "不是有效的 .xlsx 工作簿" in r.get_data(as_text=True)


def test_managers_may_not_import(app, county):
    client = app.test_client()
    login(client, county["manager"])
    assert client.get("/import/county/").status_code == 403


def test_the_countys_text_is_shown_as_text(app, county, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "<b>台账"
    ws.append(["项目名称", "乡镇", "责任单位", "<script>alert(1)</script>"])
    ws.append(["<img src=x onerror=alert(1)>", "城关镇", "确山县水利局", "x"])
    wb.save(tmp_path / "xss.xlsx")
    client = app.test_client()
    login(client, county["finance"])
    page = upload(client, tmp_path / "xss.xlsx").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<img src=x" not in html and "&lt;b&gt;台账" in html


def test_a_workbook_beyond_the_row_limit_is_refused_on_the_mapping_page(app, county,
                                                                         tmp_path):
    ledger = books.biyang(tmp_path / "by.xlsx")
    client = app.test_client()
    login(client, county["finance"])
    page = upload(client, ledger.path).headers["Location"]
    app.config["FUNDTRACK_MAX_IMPORT_ROWS"] = 3
    r = client.get(page, follow_redirects=True)
    assert "超过一次导入的上限 3 行" in r.get_data(as_text=True)


@pytest.mark.parametrize("book,as_of", [
    (books.queshan, ""), (books.biyang, "2024-08-31"), (books.zhengyang, ""),
])
def test_each_layout_imports_through_the_page_as_proposed(app, county, tmp_path, book,
                                                          as_of):
    """Each county's layout, mapped as proposed (the date typed where the title has
    none), imports to figures equal to its own totals."""
    client = app.test_client()
    login(client, county["finance"])
    ledger = book(tmp_path / "book.xlsx")
    page = upload(client, ledger.path).headers["Location"]
    data = form_values(client.get(page).get_data(as_text=True))
    if as_of:
        assert data["as_of"] == ""
        data["as_of"] = as_of
    r = client.post(page, data={**data, "action": "confirm"})
    assert r.status_code == 302, re.findall(r"<td>([^<]*)</td></tr>", r.get_data(as_text=True))
    with app.app_context():
        total = project_ledger(dt.date(2025, 1, 1)).total
        assert (total["allocated"], total["spent"]) == (ledger.allocated, ledger.paid)
        assert project_ledger(dt.date(2025, 1, 1)).count == ledger.projects


def test_save_the_mapping_alone_and_it_needs_a_name(app, county, tmp_path):
    from fundtrack.workbook.mapping.service import get_mapping

    client = app.test_client()
    login(client, county["finance"])
    page = upload(client, books.queshan(tmp_path / "qs.xlsx").path).headers["Location"]
    data = form_values(client.get(page).get_data(as_text=True))
    r = client.post(page, data={**data, "action": "save", "save_as": "  "})
    assert "请填写映射名称" in r.get_data(as_text=True)
    data["col-4-field"] = ""  # 建设内容及规模 left out
    r = client.post(page, data={**data, "action": "save", "save_as": "确山县 台账"})
    assert "映射「确山县 台账」已保存" in r.get_data(as_text=True)
    with app.app_context():
        saved, mapping = get_mapping("确山县 台账")
        assert saved.sheet == "2024年项目台账"
        assert mapping.columns["建设内容及规模"].field == ""
        assert mapping.columns["资金来源/县级"].source == "XJ2024"
        assert project_ledger(dt.date(2025, 1, 1)).count == 0  # nothing imported
