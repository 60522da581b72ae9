"""附件 in the browser: the block on the channel, project, payment and finding pages,
uploading (several files at once; static/js/attachments.js adds drag and drop and a
progress bar), a payment's documents page with its checklist (要件清单), serving a
stored file, checked against its SHA-256 first, and the ZIP of a payment's or a
project's documents with their manifest (bundle.py), checked the same way.

The JSON API (fundtrack/api/attachments.py: POST/GET /api/v1/attachments and the two
documents.zip routes) uses ``serve``, ``payment_bundle`` and ``project_bundle`` below.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from ..access import READ, allow
from ..database import unit_of_work
from ..errors import NotFound, Refused
from ..funds.service import get_disbursement
from ..projects.service import get_project
from ..settings.service import get_checklist
from ..web import record_id, remove_quietly, send_temporary
from . import bundle, queries, service, storage
from .models import DocumentKind, OwnerType

bp = Blueprint("attachments", __name__, url_prefix="/attachments")


def attachment_json(a) -> dict:
    return {"id": a.id, "sha256": a.sha256, "size": a.size, "filename": a.filename,
            "kind": a.kind.label, "owner": a.owner_key}


@bp.app_template_global()
def attachment_block(owner: str) -> dict:
    """What the 附件 block of a page shows (templates/attachments/_block.html)."""
    owner_type, obj = service.resolve_owner(owner)
    return {
        "owner": service.owner_key(owner_type, obj),
        "rows": queries.attachments_of(owner_type, obj.id),
        "can_attach": service.may_attach(current_user, owner_type, obj),
        "can_read": service.may_read(current_user),
        "kinds": DocumentKind.labels(),
        "default_kind": _default_kind(owner_type).label,
        "max_mb": service.max_file_bytes() // (1024 * 1024),
        # the ZIP of every document with its manifest (a project's includes its payments')
        "zip_url": _zip_url(owner_type, obj),
        # the payments of a project whose documents are not all there (要件不全)
        "incomplete": queries.incomplete_payments(queries.payments_of_project(obj.id))
        if owner_type == OwnerType.PROJECT else {},
    }


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _zip_url(owner_type: OwnerType, obj) -> str | None:
    if owner_type == OwnerType.PROJECT:
        return url_for("attachments.project_zip", code=obj.code)
    if owner_type == OwnerType.DISBURSEMENT:
        return url_for("attachments.payment_zip", voucher_no=obj.voucher_no)
    return None


def _default_kind(owner_type: OwnerType) -> DocumentKind:
    return {OwnerType.SOURCE: DocumentKind.ISSUING, OwnerType.PROJECT: DocumentKind.CONTRACT,
            OwnerType.DISBURSEMENT: DocumentKind.INVOICE,
            OwnerType.FINDING: DocumentKind.RECTIFICATION}[owner_type]


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _back() -> str:
    """Where the form came from (a path of this site only)."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("main.index")


@bp.post("/upload")
@allow(*READ)  # finer: service.may_attach, per owner
def upload():
    files = [f for f in request.files.getlist("file") if f and f.filename]
    typed = request.form.get("supersedes") or None
    supersedes = record_id(typed) if typed is not None else None
    try:
        if typed is not None and supersedes is None:
            raise Refused("被替换的附件编号应为数字", "supersedes")
        if not files:
            raise Refused("请选择要上传的文件", "file")
        done = []
        with unit_of_work(current_user.username):
            for f in files:  # all or nothing: one refused file keeps none
                try:
                    done.append(service.attach(
                        current_user, owner=request.form.get("owner"),
                        kind=request.form.get("kind"), upload=f,
                        supersedes=supersedes))
                except Refused as e:
                    if len(files) > 1:
                        raise Refused(f"「{f.filename}」:{e.message}", e.field) from None
                    raise
    except PermissionError:
        abort(403)
    except Refused as e:
        if _wants_json():
            return jsonify({"errors": [{"field": e.field, "message": e.message}]}), \
                404 if isinstance(e, NotFound) else 422
        flash(e.message, "error")
        return redirect(_back())
    if _wants_json():
        return jsonify({"attachments": [attachment_json(a) for a in done]}), 201
    flash(f"已上传 {len(done)} 个附件", "success")
    return redirect(_back())


def serve(attachment_id: int, *, inline: bool):
    """The stored file, only if its bytes still match their SHA-256: else the mismatch is
    noted in the change history (committed) and Mismatch raised."""
    with unit_of_work(current_user.username):
        attachment = service.get_attachment(attachment_id)
        mismatch = None
        try:
            path = service.checked_path(attachment)
        except service.Mismatch as e:
            mismatch = e  # raised once the history line is committed
    if mismatch is not None:
        raise mismatch
    show_inline = inline and attachment.content_type in storage.INLINE
    response = send_file(path, mimetype=attachment.content_type,
                         as_attachment=not show_inline, download_name=attachment.filename,
                         conditional=False, etag=attachment.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:attachment_id>/file")
@allow(*service.READERS)
def download(attachment_id: int):
    try:
        return serve(attachment_id, inline=request.args.get("inline") == "1")
    except service.Mismatch as e:
        return render_template("error.html", code=409, message=e.message), 409
    except NotFound:
        abort(404)


@bp.get("/payments/<path:voucher_no>")
@allow(*READ)
def payment(voucher_no: str):
    """One payment's documents (要件清单): the checklist of its kind and what is attached."""
    try:
        p = get_disbursement(voucher_no)
    except NotFound:
        abort(404)
    checklist = get_checklist()
    return render_template(
        "attachments/payment.html", payment=p, checklist=checklist.get(p.kind, ()),
        missing=queries.missing_kinds(p, checklist), owner=f"disbursement:{p.voucher_no}")


@bp.get("/zip/payments/<path:voucher_no>")
@allow(*service.READERS)
def payment_zip(voucher_no: str):
    """The ZIP of one payment's documents (清单.csv and SHA256SUMS beside them)."""
    return _zip_page(payment_bundle, voucher_no)


@bp.get("/zip/projects/<code>")
@allow(*service.READERS)
def project_zip(code: str):
    """The ZIP of one project's documents, its payments' and its findings', a folder per
    owner."""
    return _zip_page(project_bundle, code)


def _zip_page(bundle_of, key: str):
    try:
        return bundle_of(key)
    except service.Mismatch as e:
        return render_template("error.html", code=409, message=e.message), 409
    except NotFound:
        abort(404)


def payment_bundle(voucher_no: str):
    """The ZIP of the payment's documents as a response (the pages' and the API's);
    NotFound, or Mismatch once its history line is committed."""
    p = get_disbursement(voucher_no)
    return _zip(queries.documents_of_payment(p.id), f"要件_{p.voucher_no}", folders=False)


def project_bundle(code: str):
    """The ZIP of the project's documents, its payments' and its findings'; as
    ``payment_bundle``."""
    p = get_project(code)
    return _zip(queries.documents_of_project(p.id), f"要件_{p.code}", folders=True)


def _zip(documents, name: str, *, folders: bool):
    """Write the archive to a temporary file (every file checked against its SHA-256 on
    the way) and stream it; a mismatch is committed to the history, then raised."""
    fd, path = tempfile.mkstemp(prefix="bundle-", suffix=".zip")
    os.close(fd)
    mismatch = None
    try:
        with unit_of_work(current_user.username):
            try:
                bundle.write(path, documents, folders=folders)
            except service.Mismatch as e:
                mismatch = e  # raised once the history line is committed
    except BaseException:
        remove_quietly(path)
        raise
    if mismatch is not None:
        remove_quietly(path)
        raise mismatch
    response = send_temporary(path, "application/zip", bundle.safe(name) + ".zip",
                              "documents.zip", chunk=storage.CHUNK)
    response.headers["Cache-Control"] = "private, no-store"
    return response
