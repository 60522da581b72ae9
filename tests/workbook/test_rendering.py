"""The exported workbook as a spreadsheet program prints it: LibreOffice (headless) turns an
export into a PDF, and every printed page must carry its sheet's whole header row, that is
every column's header (no sheet cut into slices of columns), under a page header naming the
region, the sheet and the as-of date.

LibreOffice is Debian's ``libreoffice-calc-nogui`` and the text is read with poppler's
``pdftotext`` (``.ci/run`` installs both). Without them this test skips, unless
FUNDTRACK_REQUIRE_RENDERER=1 (as in CI), where their absence is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from fundtrack import sheets
from fundtrack.workbook.export import export_workbook
from tests.factories import day
from tests.workbook.sample import build_county

pytestmark = pytest.mark.slow

AS_OF = "2024-06-30"


def _tools() -> tuple[str, str]:
    office, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not (office and pdftotext):
        if os.environ.get("FUNDTRACK_REQUIRE_RENDERER") == "1":
            pytest.fail("soffice or pdftotext is missing: "
                        "apt-get install libreoffice-calc-nogui poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    return office, pdftotext


def _pages(book, tmp_path) -> list[str]:
    office, pdftotext = _tools()
    profile = tmp_path / "lo-profile"  # a profile of its own: runs in parallel never share
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / (book.stem + ".pdf")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout
    return [page for page in text.split("\f") if page.strip()]


def _sheet_of(page: str, names: list[str]) -> str:
    """The sheet a page belongs to, from its page header (region, sheet, date)."""
    heads = [line for line in page.splitlines() if "截至" in line and "测试县" in line]
    assert heads, f"a printed page without its page header:\n{page[:300]}"
    head = heads[0]
    words = head.split()
    found = [n for n in names if n in words]
    assert len(found) == 1, head
    return found[0]


def test_every_printed_page_carries_its_sheets_whole_header_row(ctx, tmp_path):
    build_county()
    book = tmp_path / "台账.xlsx"
    export_workbook(book, as_of=day(AS_OF))
    pages = _pages(book, tmp_path)
    by_name = {s.name: s for s in (*sheets.DATA_SHEETS, *sheets.COMPUTED_SHEETS,
                                          sheets.SELF_EVALUATION, sheets.DOCUMENTS)}
    seen = set()
    for number, page in enumerate(pages, 1):
        name = _sheet_of(page, [*by_name, "月报"])
        seen.add(name)
        assert "2024年06月30日" in page, number
        if name == "月报":
            continue
        flat = "".join(page.split())
        missing = [c.header for c in by_name[name].columns if c.header not in flat]
        assert not missing, (number, name, missing)
    assert seen >= {"项目台账", "资金台账", "支出明细", "项目"}, seen
