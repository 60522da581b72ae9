"""下载审计工作簿 from the ledger screens: written outside the request; a long one has a
page with its progress, then a link to the file, for the user who started it alone."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from fundtrack import jobs
from fundtrack.workbook import export as export_module
from fundtrack.workbook.export import export_workbook
from tests.conftest import login
from tests.workbook.readback import open_book, values
from tests.workbook.sample import build_county

AS_OF = "2024-06-30"


@pytest.fixture
def county(app):
    with app.app_context():
        from fundtrack.database import acting_as

        with acting_as("测试员"):
            build_county()


def _client(app, users, role):
    client = app.test_client()
    login(client, users[role])
    return client


def _slow_sheets(monkeypatch, seconds: float):
    """Each sheet of an export takes ``seconds`` longer; progress told every row."""
    write = export_module._data_sheet

    def slow(*args):
        time.sleep(seconds)
        return write(*args)

    monkeypatch.setattr(export_module, "_data_sheet", slow)
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 1)


def _wait_for(client, status_url: str) -> dict:
    for _ in range(400):
        status = client.get(status_url).get_json()
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError("the job never finished")


def _all_values(data: bytes) -> dict:
    book = open_book(io.BytesIO(data))
    return {name: values(book[name]) for name in book.sheetnames}


def _temp_files(app) -> list[Path]:
    return list(Path(app.config["FUNDTRACK_EXPORTS"]).glob("*"))


def test_a_quick_export_is_sent_at_once(app, users, county):
    auditor = _client(app, users, "auditor")
    r = auditor.get(f"/export/workbook?as_of={AS_OF}&year=2024")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6_2024" in r.headers["Content-Disposition"]
    r.close()
    assert _temp_files(app) == []


def test_a_long_export_shows_its_progress_then_a_link_to_the_same_workbook(
        app, users, county, monkeypatch):
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    _slow_sheets(monkeypatch, 0.15)
    auditor = _client(app, users, "auditor")
    r = auditor.get(f"/export/workbook?as_of={AS_OF}&township=城关镇")
    assert r.status_code == 302
    page_url = r.headers["Location"]
    assert re.fullmatch(r"/export/jobs/[0-9a-f]{32}", page_url)
    html = auditor.get(page_url).get_data(as_text=True)
    assert "正在生成审计工作簿:台账_城关镇_截至2024-06-30.xlsx" in html
    assert "<progress" in html and "js/progress.js" in html and "<script>" not in html
    status = auditor.get(f"{page_url}/status").get_json()
    assert 0 <= status["done"] <= status["total"] or status["total"] == 0
    status = _wait_for(auditor, f"{page_url}/status")
    assert status["done"] == status["total"] > 0 and status["seconds_left"] == 0
    assert status["sheets"] == [19, 19]  # every sheet of the workbook
    html = auditor.get(page_url).get_data(as_text=True)
    assert "审计工作簿已生成" in html and "<progress" not in html
    assert f'href="{page_url}/download"' in html
    assert len(_temp_files(app)) == 1  # kept for its download
    r = auditor.get(f"{page_url}/download")
    assert r.status_code == 200
    downloaded = r.data
    r.close()
    assert _temp_files(app) == []  # removed once sent
    assert auditor.get(f"{page_url}/download").status_code == 404  # once
    assert auditor.get(page_url).status_code == 404

    # the same workbook as a synchronous export of that selection and date
    monkeypatch.undo()
    same = auditor.get(f"/api/v1/export.xlsx?as_of={AS_OF}&township=城关镇").data
    assert _all_values(downloaded) == _all_values(same)
    with app.app_context():
        from fundtrack.ledger import LedgerFilter

        buffer = io.BytesIO()
        export_workbook(buffer, as_of=__import__("datetime").date(2024, 6, 30),
                        filt=LedgerFilter(township="城关镇"))
    assert _all_values(downloaded) == _all_values(buffer.getvalue())


def test_an_export_job_is_its_starters_alone(app, users, county, monkeypatch):
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 1)
    auditor = _client(app, users, "auditor")
    page_url = auditor.get(f"/export/workbook?as_of={AS_OF}").headers["Location"]
    _wait_for(auditor, f"{page_url}/status")
    for role in ("viewer", "admin", "finance"):
        other = _client(app, users, role)
        assert other.get(page_url).status_code == 404, role
        assert other.get(f"{page_url}/status").status_code == 404, role
        assert other.get(f"{page_url}/download").status_code == 404, role
    assert auditor.get("/export/jobs/" + "0" * 32).status_code == 404
    # an export's job is not an import's, nor the other way round
    finance = _client(app, users, "finance")
    mine = finance.get(f"/export/workbook?as_of={AS_OF}").headers["Location"]
    _wait_for(finance, f"{mine}/status")
    assert finance.get(mine.replace("/export/", "/import/")).status_code == 404
    assert finance.get(f"{mine}/download").status_code == 200
    assert auditor.get(f"{page_url}/download").status_code == 200


def test_an_unread_workbook_is_removed_after_an_hour(app, users, county, monkeypatch):
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 0
    auditor = _client(app, users, "auditor")
    page_url = auditor.get(f"/export/workbook?as_of={AS_OF}").headers["Location"]
    _wait_for(auditor, f"{page_url}/status")
    [kept] = _temp_files(app)
    killed = kept.with_name(".killed.xlsx.0a1b2c3d.tmp")  # an export killed outright
    killed.write_bytes(b"PK")
    monkeypatch.setattr(jobs, "KEEP_SECONDS", 0)
    time.sleep(0.01)
    r = auditor.get(f"/export/workbook?as_of={AS_OF}")  # the next one forgets the old
    assert not kept.exists() and not killed.exists()
    assert auditor.get(page_url).status_code == 404
    _wait_for(auditor, f"{r.headers['Location']}/status")


def test_a_refused_selection_goes_back_to_the_ledger(app, users):
    viewer = _client(app, users, "viewer")
    r = viewer.get("/export/workbook?as_of=2024-13-45")
    assert r.status_code == 302 and r.headers["Location"].startswith("/ledger/")
