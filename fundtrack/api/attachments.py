"""POST /api/v1/attachments and GET /api/v1/attachments/<id> (CONTRACT.md); the ZIP of
a payment's or a project's documents (要件包) for an auditor's script:
GET /api/v1/disbursements/<voucher_no>/documents.zip and
GET /api/v1/projects/<project_code>/documents.zip, as the pages give them.

Permission on the owner is checked before the file is read: a user who may not change
the thing gets 403 whatever they sent.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from ..access import READ, allow
from ..attachments import service
from ..attachments.views import attachment_json, payment_bundle, project_bundle, serve
from ..database import unit_of_work
from ..errors import Refused
from ..web import record_id
from . import bp, error, refused


@bp.post("/attachments")
@allow(*READ)  # finer: service.may_attach, per owner
def post_attachment():
    typed = request.form.get("supersedes") or None
    supersedes = record_id(typed) if typed is not None else None
    try:
        if typed is not None and supersedes is None:
            raise Refused("被替换的附件编号应为数字", "supersedes")
        with unit_of_work(current_user.username):
            a = service.attach(current_user, owner=request.form.get("owner"),
                               kind=request.form.get("kind"), upload=request.files.get("file"),
                               supersedes=supersedes)
            body = attachment_json(a)
    except PermissionError:
        return error(403)
    except Refused as e:
        return refused(e)
    return body, 201


@bp.get("/attachments/<id>")
@allow(*service.READERS)
def get_attachment(id: str):  # noqa: A002  (the contract's name; a plain string in the spec)
    number = record_id(id)
    if number is None:
        return error(404, f"没有编号为 {id} 的附件", "id")
    try:
        return serve(number, inline=False)
    except Refused as e:
        return refused(e, not_found_status=404)


@bp.get("/disbursements/<path:voucher_no>/documents.zip")
@allow(*service.READERS)
def payment_documents(voucher_no: str):
    return _bundle(payment_bundle, voucher_no)


@bp.get("/projects/<project_code>/documents.zip")
@allow(*service.READERS)
def project_documents(project_code: str):
    return _bundle(project_bundle, project_code)


def _bundle(bundle_of, key: str):
    """The ZIP, or the reason as JSON: 404 for an unknown key, 409 for a changed file."""
    try:
        return bundle_of(key)
    except Refused as e:
        return refused(e, not_found_status=404)
