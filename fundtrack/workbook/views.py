"""导入台账: upload a workbook, see every problem before anything is written, confirm.

The upload is kept in the instance folder (``uploads/<uuid4>.xlsx``) between the check
(a dry run of the importer) and the confirmation (the real import, all or nothing), then
deleted. The importer is the one that applies the rules; this module only moves the file.
"""

from __future__ import annotations

import time
import uuid
import zipfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField

from ..access import FINANCE, allow
from .importer import import_workbook
from .reading import max_import_rows

bp = Blueprint("workbook", __name__, url_prefix="/import")

#: Uploads not confirmed within this time are removed at the next check.
STALE_AFTER_SECONDS = 24 * 3600


class UploadForm(FlaskForm):
    workbook = FileField("台账工作簿(.xlsx)", validators=[
        FileRequired("请选择要导入的工作簿"),
        FileAllowed(["xlsx"], "只能导入 .xlsx 格式的工作簿(旧版 .xls 请先另存为 .xlsx)"),
    ])


class ConfirmForm(FlaskForm):
    upload = HiddenField()
    filename = HiddenField()


def _uploads() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _upload_path(upload_id: str | None) -> Path | None:
    """The kept upload named by ``upload_id`` (a uuid, as we wrote it), or None."""
    try:
        parsed = uuid.UUID(str(upload_id))
    except ValueError:
        return None
    if str(parsed) != upload_id:
        return None
    path = _uploads() / f"{parsed}.xlsx"
    return path if path.is_file() else None


def _remove_stale(folder: Path) -> None:
    limit = time.time() - STALE_AFTER_SECONDS
    for old in folder.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass  # another request removed it first


def _max_size_text() -> str:
    size = current_app.config.get("MAX_CONTENT_LENGTH")
    if not size:
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def _import_page(form: UploadForm):
    """The upload form, with the limits of an upload: its size and its data rows."""
    return render_template("workbook/import.html", form=form, max_size=_max_size_text(),
                           max_rows=max_import_rows())


@bp.get("/")
@allow(*FINANCE)
def import_page():
    return _import_page(UploadForm())


@bp.post("/check")
@allow(*FINANCE)
def check():
    form = UploadForm()
    if not form.validate_on_submit():
        return _import_page(form), 422
    upload = form.workbook.data
    filename = upload.filename or "上传的文件"
    folder = _uploads()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    upload_id = str(uuid.uuid4())
    path = folder / f"{upload_id}.xlsx"
    upload.save(path)
    if not zipfile.is_zipfile(path):
        path.unlink(missing_ok=True)
        form.workbook.errors.append(f"「{filename}」不是有效的 .xlsx 工作簿(无法打开)")
        return _import_page(form), 422
    report = import_workbook(path, actor=current_user.username, dry_run=True, name=filename)
    rows = sum(report.counts.values())
    importable = report.ok and rows > 0
    if not importable:
        path.unlink(missing_ok=True)
    return render_template(
        "workbook/check.html",
        report=report,
        filename=filename,
        rows=rows,
        confirm=ConfirmForm(upload=upload_id, filename=filename) if importable else None,
    )


@bp.post("/confirm")
@allow(*FINANCE)
def confirm():
    form = ConfirmForm()
    path = _upload_path(form.upload.data) if form.validate_on_submit() else None
    if path is None:
        flash("找不到待导入的文件(可能已导入或已过期),请重新上传并检查", "error")
        return redirect(url_for(".import_page"))
    filename = form.filename.data or "上传的文件"
    try:
        report = import_workbook(path, actor=current_user.username, dry_run=False,
                                 name=filename)
    finally:
        path.unlink(missing_ok=True)
    if not report.ok:  # the ledger changed since the check: nothing was written
        return render_template("workbook/check.html", report=report, filename=filename,
                               rows=sum(report.counts.values()), confirm=None,
                               refused=True), 409
    flash(f"「{filename}」{report.summary()}", "success")
    if report.warnings:
        flash(f"导入时另有 {len(report.warnings)} 条提示(不影响导入),"
              "已在检查结果中列出,请核对。", "warning")
    return redirect(url_for(".import_page"))


@bp.errorhandler(413)
def _too_large(e):
    form = UploadForm(formdata=None)
    form.workbook.errors = [f"文件过大:上传的工作簿不能超过 {_max_size_text()}"]
    return _import_page(form), 413
