"""A long import in the browser: the check runs outside the request, its page shows a
progress bar with the rows done and an estimate, the rest of the app stays usable, and
the result replaces the bar when it is done."""

from __future__ import annotations

import re
import time

from tests.browser.conftest import shoot, sign_in
from tests.conftest import PASSWORD
from tests.workbook.builder import county


def test_a_long_check_shows_a_progress_bar_then_its_result(app, live_server, page, users,
                                                           tmp_path, monkeypatch):
    from fundtrack.workbook import importer

    apply = importer._Import._apply

    def slow(self, row, fn):  # 16 rows: about 5 seconds
        time.sleep(0.3)
        return apply(self, row, fn)

    monkeypatch.setattr(importer._Import, "_apply", slow)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 1)
    app.config["FUNDTRACK_PROGRESS_AFTER"] = 1.0
    path = county().save(tmp_path / "县台账.xlsx")

    sign_in(page, live_server, users["finance"], PASSWORD)
    page.goto(f"{live_server}/import/")
    page.set_input_files("input[name=workbook]", path)
    page.click("text=上传并检查")
    page.wait_for_url(re.compile(r"/import/jobs/[0-9a-f]{32}$"))
    job_url = page.url
    assert page.is_visible("progress#job-bar")
    # the page comes with the bar (and a shorter text) drawn by the server: wait for the
    # script's own figures (the percentage), and read the text at that same moment
    text = page.wait_for_function(
        "() => { const b = document.getElementById('job-bar');"
        " const t = document.getElementById('job-text');"
        " return b && t && b.value > 0 && b.value < b.max && t.textContent.includes('%)')"
        " && t.textContent; }").json_value()
    assert re.search(r"已处理 \d+ / 16 行\(\d+%\),(预计还需 \d+ 秒|正在估算剩余时间)", text), text
    shoot(page, "import-progress")

    # the app is usable meanwhile: another page in another tab, while the job runs
    other = page.context.new_page()
    other.goto(f"{live_server}/projects/")
    assert other.title().startswith("项目库") or "项目" in other.inner_text("main")
    other.close()

    page.wait_for_selector("text=检查通过(未写入)", timeout=30000)
    assert page.url == job_url
    assert not page.is_visible("progress#job-bar")
    assert page.is_visible("text=确认导入")
    shoot(page, "import-progress-done")
