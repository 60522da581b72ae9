"""导入台账: upload a workbook, see every problem before anything is written, confirm.

The upload is kept in the instance folder (``uploads/<uuid4>.xlsx``) between the check
(a dry run of the importer) and the confirmation (the real import, all or nothing), then
deleted. The importer is the one that applies the rules; this module only moves the file.

Both run outside the request (fundtrack/jobs.py). One done within
``FUNDTRACK_PROGRESS_AFTER`` seconds answers the request as it is; a longer one sends the
user to its page (/import/jobs/<id>), which shows a progress bar with the rows done and
an estimate (static/js/progress.js polls its status) and, once it is done, its result.
"""

from __future__ import annotations

import time
import uuid
import zipfile
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField

from .. import jobs
from ..access import FINANCE, allow
from ..extensions import db
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
    return _run(path, filename, dry_run=True, upload_id=upload_id)


@bp.post("/confirm")
@allow(*FINANCE)
def confirm():
    form = ConfirmForm()
    path = _upload_path(form.upload.data) if form.validate_on_submit() else None
    if path is None:
        flash("找不到待导入的文件(可能已导入或已过期),请重新上传并检查", "error")
        return redirect(url_for(".import_page"))
    filename = form.filename.data or "上传的文件"
    return _run(path, filename, dry_run=False, upload_id=None)


# --- running outside the request --------------------------------------------------------


def _run(path: Path, filename: str, *, dry_run: bool, upload_id: str | None):
    """Check (``dry_run``) or import the upload at ``path`` in a background job; its
    result at once if it is done within FUNDTRACK_PROGRESS_AFTER seconds, else its page."""
    actor = current_user.username
    db.session.rollback()  # the job's transaction must not wait for this request's

    def work(job: jobs.Job):
        try:
            return import_workbook(path, actor=actor, dry_run=dry_run, name=filename,
                                   progress=job.progress)
        finally:
            if not dry_run:
                path.unlink(missing_ok=True)

    job = jobs.start(current_app._get_current_object(), actor, work, kind="import",
                     filename=filename,
                     dry_run=dry_run, upload_id=upload_id, path=str(path))
    if job.wait(current_app.config["FUNDTRACK_PROGRESS_AFTER"]):
        return _result(job)
    return redirect(url_for(".job_page", job_id=job.id))


def _job_or_404(job_id: str) -> jobs.Job:
    return jobs.get_or_404(job_id, current_user.username, "import")


@bp.get("/jobs/<job_id>")
@allow(*FINANCE)
def job_page(job_id):
    """A job's progress while it runs; its result once it is done."""
    job = _job_or_404(job_id)
    if job.is_finished:
        return _result(job)
    c = job.context
    return render_template("workbook/progress.html", job=job, filename=c["filename"],
                           checking=c["dry_run"])


@bp.get("/jobs/<job_id>/status")
@allow(*FINANCE)
def job_status(job_id):
    """What the progress bar shows (polled by static/js/progress.js)."""
    return jsonify(_job_or_404(job_id).status())


def _result(job: jobs.Job):
    """The page of a finished job: the check's result, or the import's."""
    jobs.forget(job)
    if job.error is not None:
        raise job.error
    report, c = job.result, job.context
    filename = c["filename"]
    rows = sum(report.counts.values())
    if c["dry_run"]:
        importable = report.ok and rows > 0
        if not importable:
            Path(c["path"]).unlink(missing_ok=True)
        return render_template(
            "workbook/check.html", report=report, filename=filename, rows=rows,
            confirm=ConfirmForm(upload=c["upload_id"], filename=filename)
            if importable else None,
        )
    if not report.ok:  # the ledger changed since the check: nothing was written
        return render_template("workbook/check.html", report=report, filename=filename,
                               rows=rows, confirm=None, refused=True), 409
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
