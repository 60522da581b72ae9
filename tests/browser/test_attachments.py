"""In a real browser: a clerk attaches a settlement payment's papers with the file input
(two at once) and by dropping a file, sees the progress and the list, the checklist's
warning go away, and downloads the file back, byte for byte."""

from __future__ import annotations

from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind, PaymentKind
from tests.attachments.samples import PDF, PNG
from tests.browser.conftest import shoot, sign_in, wait_until
from tests.conftest import PASSWORD
from tests.factories import allocate, arrive, milestone, pay, project, source

DROP = """([name, bytes]) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], name, {type: "application/pdf"}));
  const zone = document.querySelector(".drop-zone");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
}"""


def test_clerk_attaches_by_input_and_drop_then_downloads(live_server, page, app, users,
                                                         tmp_path):
    with app.app_context(), unit_of_work("测试"):
        zy = source("ZY01")
        road = project("XM001")
        arrive(zy, "300000.00", "2024-03-01")
        allocate(road, zy, "200000.00")
        milestone(road, MilestoneKind.ACCEPTED, planned="2024-03-01", done="2024-03-20")
        pay("PZ0001", road, zy, "150000.00", "2024-04-01", kind=PaymentKind.SETTLEMENT)
    sign_in(page, live_server, users["finance"], PASSWORD)
    page.goto(f"{live_server}/funds/payments")
    page.click("text=PZ0001")
    page.wait_for_url("**/attachments/payments/PZ0001")
    assert "缺 验收报告、结算审计报告、发票" in page.inner_text("main")

    # two files through the plain file input; the answer held back to see the progress
    held = []
    page.route("**/attachments/upload", lambda route: held.append(route))
    page.select_option("form.attachment-upload select[name=kind]", label="验收报告")
    acceptance = tmp_path / "验收报告.pdf"
    acceptance.write_bytes(PDF)
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.set_input_files("form.attachment-upload input[type=file]", [acceptance, photo])
    page.wait_for_selector("progress.upload-progress:not([hidden])")
    assert "正在上传 2 个文件" in page.inner_text(".upload-status")
    # the bar is shown before the request is sent: wait for the route to hold it
    wait_until(page, lambda: held)
    assert len(held) == 1, "one request for both files"
    with page.expect_navigation():
        held[0].continue_()
    page.unroute("**/attachments/upload")
    assert len(held) == 1, "one request for both files"  # none sent after the first
    table = page.inner_text("table.attachment-list")
    assert "验收报告.pdf" in table and "现场.png" in table and "caizheng" in table

    # a file dropped on the form
    page.select_option("form.attachment-upload select[name=kind]", label="结算审计报告")
    with page.expect_navigation():
        page.evaluate(DROP, ["审计报告.pdf", list(PDF + b"%audit\n")])
    assert "审计报告.pdf" in page.inner_text("table.attachment-list")
    assert "缺 发票" in page.inner_text("main")
    assert "缺 验收报告" not in page.inner_text("main")
    shoot(page, "attachments-payment")

    with page.expect_download() as info:
        page.click("table.attachment-list >> text=验收报告.pdf")
    download = info.value
    assert download.suggested_filename == "验收报告.pdf"
    assert download.path().read_bytes() == PDF
