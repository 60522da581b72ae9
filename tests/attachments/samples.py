"""Small files of each type, made in memory, and a way to attach one from a test."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

from werkzeug.datastructures import FileStorage

from fundtrack.enums import Role

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode"


def zipped(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in names.items():
            # a fixed time: the same bytes in every process (pytest-xdist's workers
            # collect the tests parametrized by them alike)
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
OFD = zipped({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})
ZIP = zipped({"readme.txt": b"hello"})


def attach(owner: str, kind: str, data: bytes, filename: str, *, supersedes=None,
           role: Role = Role.FINANCE):
    """Attach as a user of ``role`` (inside a unit of work)."""
    from fundtrack.attachments import service

    user = SimpleNamespace(is_authenticated=True, role=role, username="测试员", unit_id=None)
    return service.attach(user, owner=owner, kind=kind, supersedes=supersedes,
                          upload=FileStorage(stream=io.BytesIO(data), filename=filename))
