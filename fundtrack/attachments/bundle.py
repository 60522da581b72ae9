"""A ZIP of one payment's or one project's documents, for the auditor (要件包).

Each stored file is copied into the archive in chunks (memory stays flat whatever the
size) and hashed on the way: bytes that no longer match the SHA-256 taken at upload, or
a file gone from the store, stop the archive (service.mismatch: a line in the change
history, and the download refused with 409, as when one file is served).

Beside the files the archive holds:

- ``清单.csv`` (UTF-8 with a BOM, so that Excel opens it): one row per document: 序号,
  所属, 要件类型, 文件名 (as uploaded), 包内文件 (its name in the archive), SHA-256,
  大小(字节), 上传人, 上传时间, 状态 (有效, or which one replaced it);
- ``SHA256SUMS``: the same hashes in the format of ``sha256sum -c``.

Names in the archive are built, never taken as paths: ``<id>_<kind>_<name>`` with the
characters a file name may not hold replaced, in a folder per owner for a project.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from zoneinfo import ZoneInfo

from flask import current_app

from . import service, storage
from .models import Attachment

MANIFEST = "清单.csv"
SUMS = "SHA256SUMS"
HEADER = ("序号", "所属", "要件类型", "文件名", "包内文件", "SHA-256", "大小(字节)",
          "上传人", "上传时间", "状态")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe(text: str) -> str:
    """``text`` usable as one part of a file name (no separators, no control characters,
    never ``.`` or ``..``)."""
    cleaned = _UNSAFE.sub("-", text).strip()
    return cleaned if cleaned.strip(".") else "-"


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # SQLite keeps UTC times without their zone
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"]))


def archive_name(a: Attachment, folders: bool) -> str:
    name = f"{a.id}_{a.kind.label}_{safe(a.filename)}"
    return f"{safe(a.owner_key)}/{name}" if folders else name


def write(path: str, documents: list[Attachment], *, folders: bool) -> int:
    """Write the archive of ``documents`` to ``path``; returns the number of files.
    Raises service.Mismatch (after noting it in the history) at the first stored file
    whose bytes differ from their SHA-256 or which is missing."""
    replaced_by = {a.supersedes_id: a.id for a in documents if a.supersedes_id}
    manifest = io.StringIO()
    table = csv.writer(manifest, lineterminator="\r\n")
    table.writerow(HEADER)
    sums = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for number, a in enumerate(documents, start=1):
            inside = archive_name(a, folders)
            _copy_checked(z, a, inside)
            table.writerow((
                number, a.owner_key, a.kind.label, a.filename, inside, a.sha256, a.size,
                a.uploaded_by, _local(a.uploaded_at).strftime("%Y-%m-%d %H:%M:%S"),
                f"已被 #{replaced_by[a.id]} 替换" if a.id in replaced_by else "有效"))
            sums.append(f"{a.sha256}  {inside}\n")
        now = _local(dt.datetime.now(dt.UTC)).timetuple()[:6]
        z.writestr(zipfile.ZipInfo(MANIFEST, date_time=now),
                   "\ufeff" + manifest.getvalue())
        z.writestr(zipfile.ZipInfo(SUMS, date_time=now), "".join(sums))
    return len(documents)


def _copy_checked(z: zipfile.ZipFile, a: Attachment, inside: str) -> None:
    info = zipfile.ZipInfo(inside, date_time=_local(a.uploaded_at).timetuple()[:6])
    digest, size = hashlib.sha256(), 0
    try:
        with open(storage.path_of(a.sha256), "rb") as f, \
                z.open(info, "w", force_zip64=a.size > 2**31) as out:
            while chunk := f.read(storage.CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except FileNotFoundError:
        raise service.mismatch(a, "文件缺失") from None
    except OSError as e:
        raise service.mismatch(a, f"无法读取:{e.strerror or e}") from None
    actual = digest.hexdigest()
    if actual != a.sha256 or size != a.size:
        raise service.mismatch(a, f"内容与登记的 SHA-256 不符(现为 {actual[:12]}…)")
