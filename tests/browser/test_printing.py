"""Printing a ledger screen from the browser: a document (no navigation, filters or
buttons; the title with region and date; the header row on every page; A4 landscape)."""

from __future__ import annotations

import re

from fundtrack.database import unit_of_work
from tests.browser.conftest import artifact, sign_in
from tests.conftest import PASSWORD
from tests.factories import project


def visible(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector, "e => getComputedStyle(e).display !== 'none' && e.offsetParent !== null")


def test_a_ledger_screen_prints_as_a_document(live_server, page, app, users):
    with app.app_context(), unit_of_work("测试"):
        for i in range(60):
            project(f"XM{i:03d}")
    sign_in(page, live_server, users["auditor"], PASSWORD)
    page.goto(f"{live_server}/ledger/projects?as_of=2024-06-30&per_page=60")

    # the 打印 button asks the browser to print (js/print.js: no inline script)
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.click("button[data-print]")
    assert page.evaluate("window.printed") == 1

    page.emulate_media(media="print")
    for chrome in ("header.site-header", "nav.tabs", "form.filters", "button[data-print]",
                   ".ledger-meta a.button"):
        assert not visible(page, chrome), chrome
    assert visible(page, "h1") and visible(page, "table.ledger")
    title = page.inner_text("h1")
    assert "测试县" in title and "项目台账" in title and "截至2024年06月30日" in title
    # the header row repeats on every printed page; the 合计 row prints once, at the end
    assert page.eval_on_selector(
        "table.ledger thead", "e => getComputedStyle(e).display") == "table-header-group"
    assert page.eval_on_selector(
        "table.ledger tfoot", "e => getComputedStyle(e).display") == "table-row-group"
    assert page.eval_on_selector(
        "table.ledger tbody tr", "e => getComputedStyle(e).breakInside") == "avoid"

    # on paper: A4 landscape (842 × 595 points) from the page's own @page rule, 60 rows
    # flowing onto more than one page
    pdf = page.pdf(path=str(artifact("ledger-printed", ".pdf")), prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) > 1
    for w, h in boxes:
        assert round(float(w)) == 842 and round(float(h)) == 595
