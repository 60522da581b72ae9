"""A package that does not hold is refused whole, by the command line and the API alike,
and the city keeps nothing of it: a changed amount, another county's key, an unknown
region, figures that do not add up, a month not ended, a file that is not JSON."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from fundtrack.extensions import db
from fundtrack.history.models import Change
from fundtrack.reporting import package
from fundtrack.reporting.models import ReportPackage
from tests.conftest import bearer


def _resign(county, body: dict) -> dict:
    """``body`` signed again with ``county``'s key (its public key put in)."""
    with county.app.app_context():
        return package.sign({k: v for k, v in package.unsigned(body).items()
                             if k != "public_key"})


def _changed_amount(a, b):
    """One payment's amount raised by 0.01 everywhere, so that every total still adds up:
    only the signature can tell."""
    body = copy.deepcopy(a.body)
    row = next(r for r in body["fund_ledger"]["rows"] if r["source_code"] == "ZY01")
    assert row["spent"] == "100000.01"
    row["spent"] = "100000.02"
    body["fund_ledger"]["total"]["spent"] = "100000.02"
    body["summary"]["spent"] = "100000.02"
    return body, "签名不符"


def _swapped_key(a, b):
    """确山县's figures signed with 泌阳县's key."""
    return _resign(b, a.body), "公钥与「确山县」登记的公钥不同"


def _unknown_region(a, b):
    body = copy.deepcopy(a.body)
    body["region"] = "新蔡县"
    return _resign(a, body), "「新蔡县」不是已登记的下级地区"


def _totals_do_not_add_up(a, b):
    """Signed by the right key, but the ledger's rows do not add up to its total."""
    body = copy.deepcopy(a.body)
    body["fund_ledger"]["total"]["spent"] = "100000.02"
    body["summary"]["spent"] = "100000.02"
    return _resign(a, body), "数字不相符"


def _summary_differs_from_ledger(a, b):
    body = copy.deepcopy(a.body)
    body["summary"]["arrived"] = "300000.01"
    return _resign(a, body), "summary.arrived 为 300000.01,资金台账合计为 300000.00"


def _month_not_ended(a, b):
    body = copy.deepcopy(a.body)
    body["month"], body["ends_on"] = "2099-01", "2099-01-31"
    return _resign(a, body), "尚未结束"


def _level_not_below(a, b):
    """A county's package claiming to be a city's: a 市 sends to a 省, not to a 市."""
    body = copy.deepcopy(a.body)
    body["level"] = "市"
    return _resign(a, body), "只接收下一级(县)的上报"


def _not_json(a, b):
    return "{\"region\": \"确山县\", ", "不是有效的 UTF-8 JSON"


TAMPERINGS = [_changed_amount, _swapped_key, _unknown_region, _totals_do_not_add_up,
              _summary_differs_from_ledger, _month_not_ended, _level_not_below, _not_json]


def _registered(city, counties):
    run = city.test_cli_runner()
    for county in counties.values():
        assert run.invoke(args=["add-region", county.name, county.key]).exit_code == 0


def _nothing_kept(city) -> None:
    with city.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPackage)) == 0
        assert db.session.scalar(select(func.count()).select_from(Change).where(
            Change.entity == "report_package")) == 0


def _text(body) -> str:
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__.strip("_"))
def test_the_command_line_refuses_and_keeps_nothing(city, counties, tmp_path, tamper):
    _registered(city, counties)
    body, reason = tamper(counties["确山县"], counties["泌阳县"])
    path = tmp_path / "tampered.json"
    path.write_text(_text(body), "utf-8")
    result = city.test_cli_runner().invoke(args=["receive", str(path)])
    assert result.exit_code == 1 and reason in result.output, result.output
    _nothing_kept(city)


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__.strip("_"))
def test_the_api_refuses_with_422_and_keeps_nothing(city, counties, tokens, tamper):
    _registered(city, counties)
    body, reason = tamper(counties["确山县"], counties["泌阳县"])
    r = city.test_client().post("/api/v1/packages", data=_text(body).encode("utf-8"),
                                headers={**bearer(tokens["admin"]),
                                         "Content-Type": "application/json"})
    assert r.status_code == 422, r.get_json()
    assert reason in r.get_json()["errors"][0]["message"]
    _nothing_kept(city)


def test_only_an_admin_may_post_packages(city, counties, tokens):
    _registered(city, counties)
    r = city.test_client().post("/api/v1/packages", data=counties["确山县"].file.read_bytes(),
                                headers=bearer(tokens["finance"]))
    assert r.status_code == 403
    _nothing_kept(city)


def test_an_instance_that_does_not_collect_refuses_packages(app, counties, tokens):
    r = app.test_client().post("/api/v1/packages", data=counties["确山县"].file.read_bytes(),
                               headers=bearer(tokens["admin"]))
    assert r.status_code == 404 and "不汇总" in r.get_json()["errors"][0]["message"]
    result = app.test_cli_runner().invoke(args=["receive", str(counties["确山县"].file)])
    assert result.exit_code == 1
    _nothing_kept(app)


def test_a_public_key_that_is_not_one_is_refused(city):
    result = city.test_cli_runner().invoke(args=["add-region", "确山县", "not-a-key"])
    assert result.exit_code == 1 and "公钥格式不对" in result.output


def test_the_same_file_twice_is_kept_once(city, counties, tokens):
    _registered(city, counties)
    run = city.test_cli_runner()
    path = str(counties["确山县"].file)
    assert run.invoke(args=["receive", path]).exit_code == 0
    again = run.invoke(args=["receive", path])
    assert again.exit_code == 1 and "已经接收过" in again.output
    with city.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPackage)) == 1


HOSTILE = [b"[]", b"null", b"\xff\xfe", b'{"format": 1, "region": ["x"], "level": "\\u53bf"}',
           b'{"format": 1, "region": "x", "level": "\\u53bf", "month": 202406}',
           b"[" * 40 + b"]" * 40, b'{"format": 1.0}']


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_bodies_get_a_reason_never_a_500(city, tokens, raw):
    r = city.test_client().post("/api/v1/packages", data=raw,
                                headers={**bearer(tokens["admin"]),
                                         "Content-Type": "application/json"})
    assert r.status_code in (400, 422) and r.get_json()["errors"][0]["message"]
    _nothing_kept(city)


def test_a_city_package_whose_regions_do_not_add_up_is_refused(city, counties):
    from fundtrack.errors import Refused
    from fundtrack.reporting.service import add_region, receive

    a = counties["确山县"]
    body = {k: v for k, v in package.unsigned(a.body).items()
            if k not in ("fund_ledger", "public_key", "closed_at")}
    body["level"] = "市"
    keys_ = (*package.AMOUNTS, *package.COUNTS)
    row = {k: body["summary"][k] for k in keys_}
    body["regions"] = [{"region": "甲县", "digest": "0", **row},
                       {"region": "乙县", "digest": "1", **row}]  # the summary counts one
    with a.app.app_context():
        signed = package.sign(body)
    with city.app_context():
        from fundtrack.database import unit_of_work
        with unit_of_work("测试"):
            add_region("确山县", a.key)
        with pytest.raises(Refused) as refused:
            receive(signed)
    assert "数字不相符:summary.amount_issued" in refused.value.message
    _nothing_kept(city)


@pytest.mark.parametrize(("own", "reason"), [
    ("省", "「县」,本实例是「省」,只接收下一级(市)"), ("县", "没有下级"), ("乡", "没有下级")])
def test_a_package_from_other_than_the_level_below_is_refused(city, counties, own, reason):
    """A 县 sends to a 市, a 市 to a 省: a province does not take a county's package, and a
    county (or an instance of no known level) takes none."""
    _registered(city, counties)
    city.config["FUNDTRACK_LEVEL"] = own
    result = city.test_cli_runner().invoke(args=["receive", str(counties["确山县"].file)])
    assert result.exit_code == 1 and reason in result.output, result.output
    _nothing_kept(city)
