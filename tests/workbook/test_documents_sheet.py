"""The 要件 sheet of the exported workbook: one row per stored document (superseded ones
too), what it is attached to, its SHA-256 and size, who uploaded it and when; kept by
``--year`` with its owner; ignored on import."""

from __future__ import annotations

import datetime as dt
import hashlib

from fundtrack.workbook.export import export_workbook
from fundtrack.workbook.importer import import_workbook
from tests.attachments.samples import JPEG, PDF, attach
from tests.workbook.readback import open_book, values
from tests.workbook.sample import build_county

AS_OF = dt.date(2024, 6, 30)
HEADER = ("附件编号", "所属", "要件类型", "文件名", "SHA-256", "大小(字节)", "上传人", "上传时间",
          "替换附件编号")


def _documents(app):
    with app.app_context():
        from fundtrack.database import unit_of_work

        with unit_of_work("测试"):
            build_county()
            first = attach("disbursement:PZ0005", "发票", PDF, "结算发票.pdf")
            fixed = attach("disbursement:PZ0005", "发票", PDF + b"%2\n", "结算发票(更正).pdf",
                           supersedes=first.id)
            photo = attach("project:XM2023", "公示照片", JPEG, "=HYPERLINK(\"x\").jpg")
            return first.id, fixed.id, photo.id


def test_the_documents_sheet_lists_every_stored_document(app, tmp_path):
    first, fixed, photo = _documents(app)
    path = tmp_path / "台账.xlsx"
    with app.app_context():
        export_workbook(path, as_of=AS_OF)
    book = open_book(path)
    assert book.sheetnames[-1] == "要件"
    rows = values(book["要件"])
    assert rows[0] == HEADER
    by_id = {r[0]: r for r in rows[1:]}
    assert sorted(by_id) == [first, fixed, photo]
    assert by_id[first][1:6] == ("disbursement:PZ0005", "发票", "结算发票.pdf",
                                 hashlib.sha256(PDF).hexdigest(), len(PDF))
    assert by_id[fixed][8] == first and by_id[first][8] is None
    # a name that looks like a formula is text, never a formula
    assert by_id[photo][1:4] == ("project:XM2023", "公示照片", "=HYPERLINK(\"x\").jpg")
    assert by_id[photo][6] == "测试员"
    # the time in the county's zone, to the second
    uploaded = dt.datetime.strptime(by_id[photo][7], "%Y-%m-%d %H:%M:%S")
    assert abs(uploaded - dt.datetime.now(dt.UTC).replace(tzinfo=None)
               - dt.timedelta(hours=8)) < dt.timedelta(minutes=5)


def test_a_years_workbook_keeps_the_documents_of_that_years_owners(app, tmp_path):
    first, fixed, photo = _documents(app)
    for year, kept in ((2024, {first, fixed}), (2023, {photo})):
        path = tmp_path / f"{year}.xlsx"
        with app.app_context():
            export_workbook(path, as_of=AS_OF, year=year)
        assert {r[0] for r in values(open_book(path)["要件"])[1:]} == kept, year


def test_the_documents_sheet_is_ignored_on_import(app, fresh_app, tmp_path):
    _documents(app)
    path = tmp_path / "台账.xlsx"
    with app.app_context():
        export_workbook(path, as_of=AS_OF)
    with fresh_app.app_context():
        report = import_workbook(path, actor="导入员")
        assert report.problems == [], [str(p) for p in report.problems]
        assert "要件" not in report.counts
