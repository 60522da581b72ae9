"""Counties for the reporting tests: each its own SQLite database and data folder (so
its own signing key), with a ledger and a closed month; the city is the ``app`` fixture
(PostgreSQL too when FUNDTRACK_TEST_DATABASE_URL is set), set to collect packages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fundtrack import create_app
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from tests.conftest import CHEAP_HASH, _migrate
from tests.factories import D, allocate, arrive, milestone, pay, project, source

MONTH = "2024-06"


@pytest.fixture(scope="session")
def county_template(tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("county-template-instance"))
    path = tmp_path_factory.mktemp("county-template") / "county.sqlite"
    _migrate(f"sqlite:///{path}", instance)
    return path


class County:
    """A county instance: its app, and its command line."""

    def __init__(self, folder: Path, template: Path, name: str):
        folder.mkdir()
        shutil.copy(template, folder / "fundtrack.sqlite")
        self.name = name
        self.folder = folder
        self.app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'fundtrack.sqlite'}",
             "FUNDTRACK_REGION": name, "PASSWORD_HASH_METHOD": CHEAP_HASH},
            instance_path=str(folder),
        )

    def cli(self, *args, input=None):
        return self.app.test_cli_runner().invoke(args=list(args), input=input)

    def ledger(self, arrived: str, spent: str, *, done: str | None = None) -> None:
        """Two channels, two projects; ``arrived`` and ``spent`` split over them (June
        2024); the first project started in June (completed on ``done``)."""
        with self.app.app_context(), unit_of_work("测试"):
            a, b = source("ZY01", "900000.00"), source("SJ01", "500000.00")
            p1, p2 = project("XM001"), project("XM002", township="东镇")
            half = str((D(arrived) / 2).quantize(D("0.01")))
            rest = str(D(arrived) - D(half))
            arrive(a, half, "2024-06-03")
            arrive(b, rest, "2024-06-05")
            allocate(p1, a, half, "2024-06-06")
            allocate(p2, b, rest, "2024-06-06")
            first = min(D(spent), D(half))
            pay("PZ001", p1, a, str(first), "2024-06-20")
            if D(spent) > first:
                pay("PZ002", p2, b, str(D(spent) - first), "2024-06-21")
            milestone(p1, MilestoneKind.STARTED, planned="2024-06-01", done="2024-06-10")
            milestone(p2, MilestoneKind.STARTED, planned="2024-06-15")  # overdue at 06-30
            if done:
                milestone(p1, MilestoneKind.COMPLETED, planned="2024-06-25", done=done)

    def close_and_package(self, out: Path, month: str = MONTH) -> dict:
        assert self.cli("close-month", month).exit_code == 0
        return self.package(out, month)

    def package(self, out: Path, month: str = MONTH) -> dict:
        result = self.cli("package", "--month", month, str(out))
        assert result.exit_code == 0, result.output
        return json.loads(out.read_text("utf-8"))

    def keygen(self) -> str:
        result = self.cli("keygen")
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    def dispose(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def counties(tmp_path, county_template):
    """Two counties, each with its key, a ledger and June 2024 closed and packaged:
    确山县 arrived 300,000.00 and spent 100,000.01; 泌阳县 arrived 700,000.00 and spent
    699,999.99 (rates 0.3333 and 1.0000; the summed rate 0.8000)."""
    made = {}
    for name, arrived, spent in (("确山县", "300000.00", "100000.01"),
                                 ("泌阳县", "700000.00", "699999.99")):
        county = County(tmp_path / name, county_template, name)
        county.key = county.keygen()
        county.ledger(arrived, spent)
        county.file = tmp_path / f"{name}.json"
        county.body = county.close_and_package(county.file)
        made[name] = county
    yield made
    for county in made.values():
        county.dispose()


@pytest.fixture
def city(app):
    app.config["FUNDTRACK_COLLECTS"] = True
    app.config["FUNDTRACK_REGION"] = "驻马店市"
    app.config["FUNDTRACK_LEVEL"] = "市"
    return app
