"""The read side of documents: what is attached to what, and what a payment still lacks.

What a payment lacks is ONE SQL expression (``lacks``, ``incomplete``) over its kind's
checklist (settings/checklist.py, passed in: the caller reads the setting once); the
payment's page, the project's list, the 支出 list's filter (funds/queries.py) and the
warning 要件不全 (warnings/documents.py) all use it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, false, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..settings.service import get_checklist
from .models import Attachment, DocumentKind, OwnerType


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


def holds(payment, kind: DocumentKind):
    """SQL, EXISTS: ``payment`` (Disbursement or an alias, from the enclosing query) has a
    current attachment of ``kind``: one that no later attachment supersedes."""
    a, later = aliased(Attachment), aliased(Attachment)
    return (
        select(a.id)
        .where(a.owner_type == OwnerType.DISBURSEMENT, a.owner_id == payment.id,
               a.kind == kind, ~select(later.id).where(later.supersedes_id == a.id).exists())
        .exists()
    )


def lacks(payment, checklist: dict, kind: DocumentKind):
    """SQL: the checklist of the payment's kind wants ``kind`` and the payment does not
    hold it (a kind no payment kind wants: false)."""
    needing = [pk for pk, docs in checklist.items() if kind in docs]
    if not needing:
        return false()
    return and_(payment.kind.in_(needing), ~holds(payment, kind))


def incomplete(payment, checklist: dict):
    """SQL: the payment lacks any document its kind's checklist wants (要件不全)."""
    return or_(false(), *(lacks(payment, checklist, k) for k in wanted(checklist)))


def wanted(checklist: dict) -> list[DocumentKind]:
    """The document kinds some payment kind wants, in DocumentKind's order."""
    return [k for k in DocumentKind if any(k in docs for docs in checklist.values())]


def lacking_columns(payment, checklist: dict) -> list:
    """One column per wanted kind, labelled by its code: 1 when the payment lacks it."""
    return [case((lacks(payment, checklist, k), 1), else_=0).label(f"lacks_{k.value}")
            for k in wanted(checklist)]


def lacked(row, checklist: dict, kind) -> list[DocumentKind]:
    """The kinds a row with ``lacking_columns`` lacks, in the order of the checklist of
    its payment kind ``kind``."""
    return [k for k in checklist.get(kind, ()) if getattr(row, f"lacks_{k.value}")]


def missing_kinds(payment, checklist: dict | None = None) -> list[DocumentKind]:
    """The kinds the payment's checklist wants and no current (not superseded)
    attachment of the payment gives."""
    return incomplete_payments([payment], checklist).get(payment.voucher_no, [])


def incomplete_payments(payments, checklist: dict | None = None) -> dict[str, list]:
    """voucher_no → missing kinds, for the payments that lack any (the setting, then one
    query)."""
    from ..funds.models import Disbursement

    checklist = get_checklist() if checklist is None else checklist
    payments = [p for p in payments if checklist.get(p.kind)]
    if not payments:
        return {}
    rows = db.session.execute(
        select(Disbursement.voucher_no, Disbursement.kind,
               *lacking_columns(Disbursement, checklist))
        .where(Disbursement.id.in_([p.id for p in payments]))
    ).all()
    found = {r.voucher_no: lacked(r, checklist, r.kind) for r in rows}
    return {p.voucher_no: found[p.voucher_no] for p in payments if found.get(p.voucher_no)}


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
    """Every document of one project, of its payments (reversals included) and of its
    findings (整改证据), superseded ones included: the project's own first, then by
    payment, then by finding; one statement."""
    from ..funds.models import Disbursement
    from ..rectification.models import Finding

    payments = select(Disbursement.id).where(Disbursement.project_id == project_id)
    findings = select(Finding.id).where(Finding.project_id == project_id)
    return list(db.session.scalars(
        select(Attachment)
        .where(or_(
            (Attachment.owner_type == OwnerType.PROJECT) & (Attachment.owner_id == project_id),
            (Attachment.owner_type == OwnerType.DISBURSEMENT)
            & Attachment.owner_id.in_(payments),
            (Attachment.owner_type == OwnerType.FINDING) & Attachment.owner_id.in_(findings)))
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
