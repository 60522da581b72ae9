"""The rules of documents (报账要件): who may attach to what, what is let in, and the
check of every stored file against its SHA-256 whenever it is served.

Nothing is ever deleted or overwritten: a replacement supersedes (``supersedes``) and both
stay listed. A file whose bytes no longer match is never served: 409, and a line in the
change history (action ``mismatch``).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from ..access import FINANCE
from ..enums import Role
from ..errors import NotFound, Refused
from ..extensions import db
from ..funds.service import get_disbursement, get_source
from ..history.service import record
from ..projects.service import get_project
from ..rectification.service import get_finding
from . import storage
from .models import Attachment, DocumentKind, OwnerType

#: Who may download a document: every signed-in role but viewer (CONTRACT.md).
READERS = (Role.ADMIN, Role.FINANCE, Role.MANAGER, Role.AUDITOR)


class Mismatch(Refused):
    """A stored file that no longer matches its SHA-256 (or is gone)."""

    def __init__(self, message: str):
        super().__init__(message, "file", conflict=True)


def resolve_owner(text: str | None):
    """``source:CODE``, ``project:CODE``, ``disbursement:VOUCHER`` or ``finding:ID`` →
    (OwnerType, the record); Refused/NotFound with a Chinese message."""
    text = (text or "").strip()
    prefix, sep, key = text.partition(":")
    if not text:
        raise Refused("缺少必填项「所属」(owner)", "owner")
    if not sep or not key.strip():
        raise Refused("「所属」应写作 project:项目编号、disbursement:凭证号、"
                      "source:渠道编号 或 finding:整改编号", "owner")
    key = key.strip()
    try:
        owner_type = OwnerType(prefix.strip())
    except ValueError:
        raise Refused(f"不能给「{prefix}」上传附件(只能是 project、disbursement、source、"
                      "finding)", "owner") from None
    if owner_type == OwnerType.SOURCE:
        return owner_type, get_source(key, "owner")
    if owner_type == OwnerType.PROJECT:
        return owner_type, get_project(key, "owner")
    if owner_type == OwnerType.DISBURSEMENT:
        return owner_type, get_disbursement(key, "owner")
    if not key.isdigit():
        raise NotFound(f"没有编号为 {key} 的整改事项", "owner")
    try:
        return owner_type, get_finding(int(key))
    except NotFound as e:
        raise NotFound(e.message, "owner") from None


def owner_key(owner_type: OwnerType, obj) -> str:
    if owner_type == OwnerType.SOURCE:
        return f"source:{obj.code}"
    if owner_type == OwnerType.PROJECT:
        return f"project:{obj.code}"
    if owner_type == OwnerType.DISBURSEMENT:
        return f"disbursement:{obj.voucher_no}"
    return f"finding:{obj.id}"


def may_attach(user, owner_type: OwnerType, obj) -> bool:
    """Who may change the thing: finance and admin for channels and payments; the county
    (admin, finance) and the unit's manager for a project; whoever may add evidence to a
    finding."""
    if not user.is_authenticated:
        return False
    if owner_type in (OwnerType.SOURCE, OwnerType.DISBURSEMENT):
        return user.role in FINANCE
    if owner_type == OwnerType.PROJECT:
        return user.role in FINANCE or (
            user.role == Role.MANAGER and user.unit_id is not None
            and user.unit_id == obj.unit_id)
    return obj.editable_by(user)


def may_read(user) -> bool:
    return user.is_authenticated and user.role in READERS


def parse_kind(text) -> DocumentKind:
    text = (text or "").strip() if isinstance(text, str) else text
    if not text:
        raise Refused("缺少必填项「要件类型」(kind)", "kind")
    try:
        return DocumentKind.from_text(text)
    except ValueError:
        raise Refused(f"要件类型应为 {'、'.join(DocumentKind.labels())} 之一", "kind") from None


def max_file_bytes() -> int:
    return current_app.config["FUNDTRACK_MAX_FILE_BYTES"]


def attach(user, *, owner: str, kind, upload, supersedes: int | None = None) -> Attachment:
    """Keep ``upload`` (a werkzeug FileStorage) with its owner; Refused, nothing kept, when
    the owner, kind or content will not do. 403-worthy refusals raise PermissionError."""
    owner_type, obj = resolve_owner(owner)
    if not may_attach(user, owner_type, obj):
        raise PermissionError
    document_kind = parse_kind(kind)
    if upload is None or not getattr(upload, "filename", None):
        raise Refused("请选择要上传的文件", "file")
    name = _display_name(upload.filename)
    key = owner_key(owner_type, obj)
    earlier = None
    if supersedes is not None:
        earlier = db.session.get(Attachment, supersedes)
        if earlier is None or earlier.owner_key != key:
            raise NotFound(f"{key} 没有编号为 {supersedes} 的附件", "supersedes")
    stored = storage.store(upload.stream, max_file_bytes())
    attachment = Attachment(
        owner_type=owner_type, owner_id=obj.id, owner_key=key, kind=document_kind,
        filename=name, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, uploaded_at=dt.datetime.now(dt.UTC),
        uploaded_by=user.username, supersedes_id=earlier.id if earlier else None,
    )
    db.session.add(attachment)
    record("insert", attachment)
    return attachment


def _display_name(raw: str) -> str:
    """The name as the user gave it, for display only: its last path part, no control
    characters, at most 255 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "未命名"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:255]
    return name


def get_attachment(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"没有编号为 {attachment_id} 的附件", "id")
    return attachment


def checked_path(attachment: Attachment):
    """The stored file's path, after checking its bytes against the SHA-256 taken at
    upload. A mismatch (or a missing file) is noted in the change history, then raised
    as Mismatch; the caller commits the note (the view answers 409)."""
    problem = storage.problem(attachment.sha256)
    if problem is None:
        return storage.path_of(attachment.sha256)
    raise mismatch(attachment, problem)


def mismatch(attachment: Attachment, problem: str) -> Mismatch:
    """Note in the change history that ``attachment``'s stored bytes are wrong (``problem``,
    in Chinese) and return the refusal to raise; the caller commits the note."""
    record("mismatch", attachment, before={"problem": problem})
    return Mismatch(f"附件「{attachment.filename}」{problem},已停止提供下载并记入修改记录")
