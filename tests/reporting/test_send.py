"""A county sends its package to the city over HTTP (FUNDTRACK_UPWARD_URL): the city's
answer is the county's, a refusal included; the roll-up's statements do not grow with the
number of regions."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from fundtrack.database import unit_of_work
from fundtrack.errors import Refused
from fundtrack.extensions import db
from fundtrack.reporting import service
from fundtrack.reporting.models import ReportPackage
from tests.conftest import bearer
from tests.reporting.conftest import MONTH


@pytest.fixture
def city_server(city):
    server = make_server("127.0.0.1", 0, city, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_a_county_sends_its_package_by_http_post(city, city_server, counties, tokens):
    a = counties["确山县"]
    a.app.config.update(FUNDTRACK_UPWARD_URL=city_server, FUNDTRACK_UPWARD_TOKEN=tokens["admin"])
    with a.app.app_context():
        with pytest.raises(Refused) as refused:  # not registered yet: the city's reason
            service.send(service.build(MONTH))
    assert "上级拒收" in refused.value.message and "不是已登记的下级地区" in refused.value.message
    assert city.test_cli_runner().invoke(args=["add-region", a.name, a.key]).exit_code == 0
    with a.app.app_context():
        assert "上级已接收" in service.send(service.build(MONTH))
    with city.app_context():
        kept = db.session.scalars(db.select(ReportPackage)).all()
        assert [(p.region, p.spent) for p in kept] == [("确山县", Decimal("100000.01"))]


def test_sending_without_an_address_says_to_download(counties):
    with counties["确山县"].app.app_context(), pytest.raises(Refused) as refused:
        service.send(service.build(MONTH))
    assert "FUNDTRACK_UPWARD_URL" in refused.value.message


def _packages(app, regions: int) -> None:
    at = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    with app.app_context(), unit_of_work("测试"):
        for i in range(regions):
            for version in (1, 2):
                db.session.add(ReportPackage(
                    region=f"县{i:03d}", level="县", month=MONTH, received_at=at,
                    received_by="测试", digest=f"{i:062d}{version:02d}", body={},
                    amount_issued=Decimal("1000.00"), arrived=Decimal("500.00"),
                    spent=Decimal(f"{version}.01"), recovered=Decimal("0.00"),
                    projects=3, started=2, completed=1, overdue_count=version))


def test_the_rollup_runs_the_same_statements_for_3_or_30_regions(city, tokens,
                                                                  count_statements):
    client = city.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(tokens["viewer"])["Authorization"]
    path = f"/api/v1/rollup?month={MONTH}"
    _packages(city, 3)
    few = count_statements(client, path)
    assert client.get(path).get_json()["total"]["spent"] == "6.03"  # the latest of each
    with city.app_context(), unit_of_work("测试"):
        db.session.execute(db.delete(ReportPackage))
    _packages(city, 30)
    assert count_statements(client, path) == few
    assert client.get(path).get_json()["total"]["spent"] == "60.30"
