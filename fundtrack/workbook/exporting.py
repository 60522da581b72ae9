"""下载审计工作簿 from the screens: the workbook of the screen's selection and date,
written outside the request (fundtrack/jobs.py), as the import is.

One done within ``FUNDTRACK_PROGRESS_AFTER`` seconds is sent at once; a longer one sends
the user to its page (/export/jobs/<id>), which shows a progress bar with the rows and
sheets written and an estimate (static/js/progress.js polls its status) and, once it is
done, a link to the file. The file waits in the data folder's temporary area
(``tmp/exports/<uuid>.xlsx``) for the user who started it alone, and is removed once
downloaded, or after ``jobs.KEEP_SECONDS`` (an hour) unread. The API's
/api/v1/export.xlsx stays a plain download (api/ledger.py).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import jobs
from ..access import READ, allow
from ..errors import Refused
from ..extensions import db
from ..ledger.params import parse_ledger_query
from ..web import remove_quietly, send_temporary
from .download import XLSX, file_name
from .export import export_workbook, selection

bp = Blueprint("export", __name__, url_prefix="/export")


def _folder() -> Path:
    """The data folder's temporary area for finished workbooks (``FUNDTRACK_EXPORTS``
    in the app's config names another, as each test has its own)."""
    folder = current_app.config.get("FUNDTRACK_EXPORTS")
    return Path(folder) if folder else Path(current_app.instance_path) / "tmp" / "exports"


def _remove_stale(folder: Path) -> None:
    """Workbooks older than a job is kept (a server restarted meanwhile forgot them),
    and the hidden temporary files of exports killed outright."""
    limit = time.time() - jobs.KEEP_SECONDS
    for old in [*folder.glob("*.xlsx"), *folder.glob(".*.tmp")]:
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass  # another request removed it first


@bp.get("/workbook")
@allow(*READ)
def workbook():
    """The audit workbook of the selection and date in the request's arguments (those
    of the ledger screens' download button)."""
    try:
        query = parse_ledger_query(request.args)
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for("ledger.index"))
    name = file_name("台账", selection(query.filt), f"截至{query.as_of.isoformat()}")
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    db.session.rollback()  # the job reads in a transaction of its own

    path = str(folder / f"{uuid.uuid4().hex}.xlsx")

    def work(job: jobs.Job) -> str:
        try:
            export_workbook(path, as_of=query.as_of, filt=query.filt, progress=job.progress)
        except BaseException:
            remove_quietly(path)
            raise
        return path

    job = jobs.start(current_app._get_current_object(), current_user.username, work,
                     cleanup=lambda: remove_quietly(path), kind="export", name=name)
    if job.wait(current_app.config["FUNDTRACK_PROGRESS_AFTER"]):
        return _send(job)
    return redirect(url_for(".job_page", job_id=job.id))


def _job_or_404(job_id: str) -> jobs.Job:
    return jobs.get_or_404(job_id, current_user.username, "export")


@bp.get("/jobs/<job_id>")
@allow(*READ)
def job_page(job_id):
    """The export's progress while it runs; the link to its file once it is done."""
    job = _job_or_404(job_id)
    if job.is_finished and job.error is not None:
        jobs.forget(job)
        raise job.error
    return render_template("workbook/export_progress.html", job=job,
                           name=job.context["name"])


@bp.get("/jobs/<job_id>/status")
@allow(*READ)
def job_status(job_id):
    """What the progress bar shows (polled by static/js/progress.js)."""
    return jsonify(_job_or_404(job_id).status())


@bp.get("/jobs/<job_id>/download")
@allow(*READ)
def download(job_id):
    """The finished workbook, once: removed as it is sent, the job forgotten."""
    job = _job_or_404(job_id)
    if not job.is_finished or job.error is not None or not Path(job.result).is_file():
        abort(404)
    return _send(job)


def _send(job: jobs.Job):
    """The finished job's file, streamed and removed; the job forgotten."""
    if job.error is not None:
        jobs.forget(job)
        raise job.error
    job.cleanup = None  # the response removes the file once sent
    jobs.forget(job)
    return send_temporary(job.result, XLSX, job.context["name"], "fundtrack.xlsx")
