"""The read side of documents: what is attached to what, and what a payment still lacks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import CHECKLIST, Attachment, DocumentKind, OwnerType


@dataclass
class Listed:
    attachment: Attachment
    #: The later attachment that replaces this one, if any.
    superseded_by: Attachment | None


def attachments_of(owner_type: OwnerType, owner_id: int) -> list[Listed]:
    """Every document of one owner, newest first, each with what superseded it."""
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())
    ).all()
    by_earlier = {a.supersedes_id: a for a in rows if a.supersedes_id is not None}
    return [Listed(a, by_earlier.get(a.id)) for a in rows]


def missing_kinds(payment) -> list[DocumentKind]:
    """The kinds the payment's checklist (CHECKLIST) wants and no current (not superseded)
    attachment of the payment gives."""
    return incomplete_payments([payment]).get(payment.voucher_no, [])


def incomplete_payments(payments) -> dict[str, list[DocumentKind]]:
    """voucher_no → missing kinds, for the payments that lack any (one query)."""
    payments = [p for p in payments if CHECKLIST.get(p.kind)]
    if not payments:
        return {}
    ids = [p.id for p in payments]
    have: dict[int, set] = {}
    rows = db.session.execute(
        select(Attachment.owner_id, Attachment.kind, Attachment.id, Attachment.supersedes_id)
        .where(Attachment.owner_type == OwnerType.DISBURSEMENT, Attachment.owner_id.in_(ids))
    ).all()
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    for r in rows:
        if r.id not in superseded:
            have.setdefault(r.owner_id, set()).add(r.kind)
    out = {}
    for p in payments:
        missing = [k for k in CHECKLIST[p.kind] if k not in have.get(p.id, set())]
        if missing:
            out[p.voucher_no] = missing
    return out


def payments_of_project(project_id: int) -> list:
    """The project's payments that are not reversals (a checklist is for what was paid)."""
    from ..funds.models import Disbursement

    return db.session.scalars(
        select(Disbursement).where(Disbursement.project_id == project_id,
                                   Disbursement.reverses_id.is_(None))
        .order_by(Disbursement.paid_on, Disbursement.id)).all()


def all_stored() -> list[tuple[int, str, str, str]]:
    """(id, owner, filename, sha256) of every attachment, in id order."""
    return [tuple(r) for r in db.session.execute(
        select(Attachment.id, Attachment.owner_key, Attachment.filename, Attachment.sha256)
        .order_by(Attachment.id))]


def documents_of_payment(payment_id: int) -> list[Attachment]:
    """Every document of one payment, superseded ones included, oldest first."""
    return list(db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == OwnerType.DISBURSEMENT,
               Attachment.owner_id == payment_id)
        .order_by(Attachment.id)))


def documents_of_project(project_id: int) -> list[Attachment]:
    """Every document of one project and of its payments (reversals included),
    superseded ones included: the project's own first, then by payment; one statement."""
    from ..funds.models import Disbursement

    payments = select(Disbursement.id).where(Disbursement.project_id == project_id)
    return list(db.session.scalars(
        select(Attachment)
        .where(or_(
            (Attachment.owner_type == OwnerType.PROJECT) & (Attachment.owner_id == project_id),
            (Attachment.owner_type == OwnerType.DISBURSEMENT)
            & Attachment.owner_id.in_(payments)))
        .order_by((Attachment.owner_type != OwnerType.PROJECT), Attachment.owner_key,
                  Attachment.id)))


def public_photos(project_id: int) -> list[Attachment]:
    """The project's 公示照片 that the public page shows: images (by their checked type),
    not superseded, oldest first; one statement."""
    from . import storage

    later = aliased(Attachment)
    return list(db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == OwnerType.PROJECT, Attachment.owner_id == project_id,
               Attachment.kind == DocumentKind.PHOTO,
               Attachment.content_type.in_(sorted(storage.PUBLIC_IMAGES)),
               ~select(later.id).where(later.supersedes_id == Attachment.id).exists())
        .order_by(Attachment.uploaded_at, Attachment.id)))
