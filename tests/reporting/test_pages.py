"""The 上报 pages: a county's finance downloads the package of a closed month; a city's
admin registers counties and receives packages; everyone reads the city's roll-up."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from sqlalchemy import func, select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.reporting import package
from fundtrack.reporting.models import Region, ReportPackage
from tests.conftest import csrf_token, login
from tests.factories import allocate, arrive, pay, project, source
from tests.reporting.conftest import MONTH


def test_finance_downloads_the_signed_package_of_a_closed_month(app, client, users, tmp_path):
    app.instance_path = str(tmp_path)  # this county's own data folder, for its key
    assert app.test_cli_runner().invoke(args=["keygen"]).exit_code == 0
    with app.app_context(), unit_of_work("测试"):
        src, prj = source("ZY01", "100000.00"), project("XM001")
        arrive(src, "80000.00", "2024-06-03")
        allocate(prj, src, "80000.00", "2024-06-04")
        pay("PZ001", prj, src, "12345.67", "2024-06-05")
    login(client, users["finance"])
    page = client.get("/reporting/").get_data(as_text=True)
    assert "还没有月结的月份" in page
    r = client.get(f"/reporting/package/{MONTH}.json", follow_redirects=True)
    assert "尚未月结" in r.get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["close-month", MONTH]).exit_code == 0
    page = client.get("/reporting/").get_data(as_text=True)
    assert f"/reporting/package/{MONTH}.json" in page and "下载上报包" in page
    r = client.get(f"/reporting/package/{MONTH}.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    body = json.loads(r.data)
    assert body["region"] == "测试县" and body["summary"]["spent"] == "12345.67"
    with app.app_context():
        assert package.check(body)["spent"] == Decimal("12345.67")  # its signature holds


def test_a_viewer_sees_the_page_but_no_download(app, client, users):
    login(client, users["viewer"])
    page = client.get("/reporting/").get_data(as_text=True)
    assert "下载上报包" not in page
    assert client.get(f"/reporting/package/{MONTH}.json").status_code == 403


def test_the_city_registers_receives_and_shows_county_by_county(city, counties, users,
                                                                tmp_path):
    client = city.test_client()
    login(client, users["admin"])
    a, b = counties["确山县"], counties["泌阳县"]
    token = csrf_token(client, "/reporting/regions")
    r = client.post("/reporting/regions", data={"name": "确山县", "public_key": "abc",
                                                 "csrf_token": token})
    assert r.status_code == 422 and "公钥格式不对" in r.get_data(as_text=True)
    for county in (a, b):
        r = client.post("/reporting/regions", data={
            "name": county.name, "public_key": county.key, "csrf_token": token},
            follow_redirects=True)
        assert f"已登记下级地区「{county.name}」" in r.get_data(as_text=True)
    page = client.get("/reporting/regions").get_data(as_text=True)
    assert a.key in page and b.key in page

    # a tampered upload is refused on the page, and nothing is kept
    tampered = json.loads(a.file.read_text("utf-8"))
    tampered["summary"]["projects"] = 3
    r = client.post("/reporting/receive", data={
        "package": (io.BytesIO(json.dumps(tampered).encode()), "确山县.json"),
        "csrf_token": token}, follow_redirects=True)
    assert "拒收 确山县.json:签名不符" in r.get_data(as_text=True)
    with city.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPackage)) == 0

    r = client.post("/reporting/receive", data={
        "package": (io.BytesIO(a.file.read_bytes()), "确山县.json"), "csrf_token": token},
        follow_redirects=True)
    page = r.get_data(as_text=True)
    assert f"已接收 确山县 {MONTH} 的上报包" in page
    assert "尚未上报 2024-06 的下级地区:泌阳县" in page

    r = client.post("/reporting/receive", data={
        "package": (io.BytesIO(b.file.read_bytes()), "泌阳县.json"), "csrf_token": token},
        follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "尚未上报" not in page
    assert "100,000.01" in page and "699,999.99" in page and "800,000.00" in page
    assert "80.00%" in page  # the total's 支出率: 800,000.00 / 1,000,000.00

    # a viewer ranks the counties by 支出率, highest first
    viewer = city.test_client()
    login(viewer, users["viewer"])
    page = viewer.get(f"/reporting/rollup?month={MONTH}&sort=-spending_rate").get_data(
        as_text=True)
    assert page.index("泌阳县") < page.index("确山县")
    page = viewer.get(f"/reporting/rollup?month={MONTH}&sort=spending_rate").get_data(
        as_text=True)
    table = page[page.index('id="rollup"'):]
    assert table.index("确山县") < table.index("泌阳县")
    assert "接收上报包" not in page  # only an admin receives

    # the drill-down into one county's package shows its stored fund ledger
    with city.app_context():
        kept = db.session.scalar(select(ReportPackage).where(ReportPackage.region == "确山县"))
        regions = db.session.scalar(select(func.count()).select_from(Region))
    assert regions == 2
    page = viewer.get(f"/reporting/packages/{kept.id}").get_data(as_text=True)
    assert "ZY01" in page and "100,000.01" in page and kept.digest in page


    # the city's own package of the month, from its 上报 page, sums its counties
    city.instance_path = str(tmp_path / "city-data")
    assert city.test_cli_runner().invoke(args=["keygen"]).exit_code == 0
    page = client.get("/reporting/").get_data(as_text=True)
    assert "本市汇总上报包" in page and f"/reporting/package/{MONTH}.json" in page
    body = json.loads(client.get(f"/reporting/package/{MONTH}.json").data)
    assert body["level"] == "市" and body["summary"]["spent"] == "800000.00"
    assert [r["region"] for r in body["regions"]] == sorted(["确山县", "泌阳县"])


def test_pages_of_an_instance_that_does_not_collect_say_so(app, client, users):
    login(client, users["admin"])
    page = client.get("/reporting/rollup").get_data(as_text=True)
    assert "不汇总下级地区的上报" in page and "FUNDTRACK_COLLECTS=1" in page
