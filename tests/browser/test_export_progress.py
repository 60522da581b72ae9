"""A long workbook download in the browser: the export runs outside the request, its
page shows a progress bar with the rows and sheets written and an estimate, the rest of
the app stays usable, and a link to the finished file replaces the bar."""

from __future__ import annotations

import re
import time

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.workbook.readback import open_book


def test_a_long_export_shows_a_progress_bar_then_its_download(app, live_server, page, users,
                                                              tmp_path, monkeypatch):
    from fundtrack.database import acting_as
    from fundtrack.workbook import export as export_module
    from tests.workbook.sample import build_county

    with app.app_context(), acting_as("测试员"):
        build_county()
    write = export_module._data_sheet

    def slow(*args):  # 9 data sheets: about 5 seconds
        time.sleep(0.6)
        return write(*args)

    monkeypatch.setattr(export_module, "_data_sheet", slow)
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 1)
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 1.0

    sign_in(page, live_server, users["auditor"], PASSWORD)
    page.goto(f"{live_server}/ledger/projects?as_of=2024-06-30")
    page.click("text=下载审计工作簿")
    page.wait_for_url(re.compile(r"/export/jobs/[0-9a-f]{32}$"))
    job_url = page.url
    assert page.is_visible("progress#job-bar")
    # the page comes with the bar (and a shorter text) drawn by the server: wait for the
    # script's own figures (the percentage), and read the text at that same moment
    text = page.wait_for_function(
        "() => { const b = document.getElementById('job-bar');"
        " const t = document.getElementById('job-text');"
        " return b && t && b.value > 0 && b.value < b.max && t.textContent.includes('%)')"
        " && t.textContent; }").json_value()
    assert re.search(r"已写入 \d+ / \d+ 行\(\d+%\),工作表 \d+ / 19,"
                     r"(预计还需 \d+ 秒|正在估算剩余时间)", text), text
    shoot(page, "export-progress")

    # the app is usable meanwhile: another page in another tab, while the job runs
    other = page.context.new_page()
    other.goto(f"{live_server}/projects/")
    assert "项目" in other.inner_text("main")
    other.close()

    page.wait_for_selector("text=审计工作簿已生成", timeout=30000)
    assert page.url == job_url
    assert not page.is_visible("progress#job-bar")
    shoot(page, "export-progress-done")
    with page.expect_download() as info:
        page.click("#job-download")
    assert info.value.suggested_filename == "台账_全部_截至2024-06-30.xlsx"
    path = tmp_path / "book.xlsx"
    info.value.save_as(path)
    book = open_book(path)
    assert book["项目台账"]["A1"].value == "测试县 项目台账(截至2024年06月30日)"
