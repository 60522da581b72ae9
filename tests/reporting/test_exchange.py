"""Two counties and a city exchange report packages (上报) end to end: the command line
on both sides and the API; the city's roll-up is the exact sum of its counties."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal

from sqlalchemy import func, select

from fundtrack.extensions import db
from fundtrack.money import rate
from fundtrack.reporting.models import ReportPackage
from tests.conftest import bearer
from tests.reporting.conftest import MONTH


def _kept(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReportPackage))


def test_two_counties_send_and_the_city_sums_them_to_the_fen(city, counties, tokens):
    a, b = counties["确山县"], counties["泌阳县"]
    run = city.test_cli_runner()
    for county in (a, b):
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0
    # one by the command line, one by the API
    result = run.invoke(args=["receive", str(a.file)])
    assert result.exit_code == 0, result.output
    r = city.test_client().post("/api/v1/packages", data=b.file.read_bytes(),
                                headers={**bearer(tokens["admin"]),
                                         "Content-Type": "application/json"})
    assert r.status_code == 201, r.get_json()

    roll = city.test_client().get(f"/api/v1/rollup?month={MONTH}",
                                  headers=bearer(tokens["viewer"])).get_json()
    assert roll["region"] == "驻马店市" and roll["month"] == MONTH
    rows = {row["region"]: row for row in roll["rows"]}
    assert rows["确山县"]["arrived"] == "300000.00" and rows["确山县"]["spent"] == "100000.01"
    assert rows["泌阳县"]["spent"] == "699999.99" and rows["泌阳县"]["spending_rate"] == 1.0
    assert rows["确山县"]["spending_rate"] == 0.3333
    assert rows["确山县"]["recovered"] == "0.00"
    assert (rows["确山县"]["projects"], rows["确山县"]["started"],
            rows["确山县"]["overdue_count"]) == (2, 1, 1)
    total = roll["total"]
    for key in ("amount_issued", "arrived", "spent", "recovered"):
        assert Decimal(total[key]) == sum(Decimal(row[key]) for row in roll["rows"]), key
    assert total["spent"] == "800000.00" and total["arrived"] == "1000000.00"
    # the rate of the sums, not a sum or mean of the rates
    assert total["spending_rate"] == float(rate(Decimal("800000.00"), Decimal("1000000.00")))
    assert total["spending_rate"] == 0.8
    assert total["projects"] == 4 and total["overdue_count"] == 2


    # both receipts and both registrations are in the change history, named
    from tests.conftest import login
    client = city.test_client()
    login(client, "admin")
    page = client.get("/history/?entity=report_package").get_data(as_text=True)
    assert f"确山县 {MONTH}" in page and f"泌阳县 {MONTH}" in page and "上报包" in page
    page = client.get("/history/?entity=report_region").get_data(as_text=True)
    assert "下级地区" in page and a.key in page


def test_the_package_holds_the_stored_close_and_is_signed(counties):
    body = counties["确山县"].body
    assert body["region"] == "确山县" and body["level"] == "县" and body["month"] == MONTH
    assert body["fund_ledger"]["total"]["spent"] == "100000.01"
    assert {r["source_code"] for r in body["fund_ledger"]["rows"]} == {"ZY01", "SJ01"}
    assert body["summary"]["spent"] == "100000.01"
    assert body["public_key"] == counties["确山县"].key and len(body["signature"]) == 88


def test_keygen_keeps_the_private_key_to_its_owner_and_never_prints_it(counties):
    county = counties["确山县"]
    key_file = county.folder / "signing_key.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    before = key_file.read_bytes()
    again = county.cli("keygen")
    assert again.exit_code == 1 and "已存在" in again.output
    assert key_file.read_bytes() == before
    replaced = county.cli("keygen", "--replace")
    assert replaced.exit_code == 0
    assert "PRIVATE" not in replaced.output
    assert replaced.output.strip().splitlines()[-1] != county.key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_close_month_and_package_refuse_what_the_rules_refuse(counties, tmp_path):
    county = counties["确山县"]
    r = county.cli("close-month", "2024-06")
    assert r.exit_code == 1 and "已月结" in r.output
    r = county.cli("close-month", "2024-08")
    assert r.exit_code == 1 and "下一个应月结的月份是 2024-07" in r.output
    r = county.cli("close-month", "2099-01")
    assert r.exit_code == 1 and "尚未结束" in r.output
    r = county.cli("package", "--month", "2024-07", str(tmp_path / "x.json"))
    assert r.exit_code == 1 and "尚未月结" in r.output and not (tmp_path / "x.json").exists()


def test_a_corrected_month_supersedes_and_both_are_kept(city, counties, tmp_path):
    a = counties["确山县"]
    run = city.test_cli_runner()
    run.invoke(args=["add-region", a.name, a.key])
    assert run.invoke(args=["receive", str(a.file)]).exit_code == 0
    # a completion reported late (milestones stay editable after the close): re-packaged
    from fundtrack.database import unit_of_work
    from fundtrack.enums import MilestoneKind
    from fundtrack.projects.models import Project
    from tests.factories import milestone
    with a.app.app_context(), unit_of_work("测试"):
        p1 = db.session.scalar(select(Project).where(Project.code == "XM001"))
        milestone(p1, MilestoneKind.COMPLETED, planned="2024-06-25", done="2024-06-28")
    corrected = a.package(tmp_path / "corrected.json")
    assert corrected["summary"]["completed"] == 1
    assert run.invoke(args=["receive", str(tmp_path / "corrected.json")]).exit_code == 0
    with city.app_context():
        from fundtrack.reporting.queries import received, rollup
        roll = rollup(MONTH)
        assert [r["completed"] for r in roll["rows"]] == [1] and roll["total"]["completed"] == 1
        assert roll["rows"][0]["versions"] == 2
        kept = received(month=MONTH, region="确山县")
        assert [p.completed for p in kept] == [1, 0] and all(p.received_at for p in kept)


def test_a_city_packages_its_rollup_upward_to_a_province(city, counties, tmp_path,
                                                         county_template):
    from tests.reporting.conftest import County

    run = city.test_cli_runner()
    for county in counties.values():
        run.invoke(args=["add-region", county.name, county.key])
        assert run.invoke(args=["receive", str(county.file)]).exit_code == 0
    city.instance_path = str(tmp_path / "city-data")
    city_key = run.invoke(args=["keygen"]).output.strip().splitlines()[-1]
    out = tmp_path / "city.json"
    assert run.invoke(args=["package", "--month", MONTH, str(out)]).exit_code == 0
    body = json.loads(out.read_text("utf-8"))
    assert body["level"] == "市" and body["summary"]["spent"] == "800000.00"
    assert [r["region"] for r in body["regions"]] == sorted(["确山县", "泌阳县"])

    province = County(tmp_path / "province", county_template, "河南省")
    try:
        province.app.config.update(FUNDTRACK_COLLECTS=True, FUNDTRACK_LEVEL="省")
        assert province.cli("add-region", "驻马店市", city_key).exit_code == 0
        result = province.cli("receive", str(out))
        assert result.exit_code == 0, result.output
        with province.app.app_context():
            from fundtrack.reporting.queries import rollup
            roll = rollup(MONTH)
            assert [(r["region"], r["spent"]) for r in roll["rows"]] == [
                ("驻马店市", Decimal("800000.00"))]
    finally:
        province.dispose()
