"""要件不全 (yellow): a payment lacking a document its kind's checklist wants (one
statement; the checklist is a setting, settings/checklist.py, and what a payment lacks
is attachments/queries.py's one expression)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..attachments import queries as docs
from ..formatting import money
from ..funds.models import Disbursement
from ..projects.models import Project, Unit
from .base import Alert, project_alert, project_head


def documents_missing(as_of, filt, ctx):
    """Yellow, 要件不全: a payment (not a reversal) dated <= D, of a kind whose checklist
    wants documents, that lacks any of them: no current (not superseded) attachment of
    that kind. The documents are those held now (a paper filed late still counts). A
    payment reversed in full as of D needs none. One warning per payment."""
    back = aliased(Disbursement)
    taken = (select(func.coalesce(func.sum(back.amount), 0))
             .where(back.reverses_id == Disbursement.id, back.paid_on <= as_of)
             .correlate(Disbursement).scalar_subquery())
    return (
        select(*project_head(), Disbursement.voucher_no, Disbursement.paid_on,
               Disbursement.amount, Disbursement.kind,
               *docs.lacking_columns(Disbursement, ctx.checklist))
        .select_from(Disbursement)
        .join(Project, Project.id == Disbursement.project_id)
        .join(Unit, Unit.id == Project.unit_id)
        .where(Disbursement.paid_on <= as_of, Disbursement.reverses_id.is_(None),
               Disbursement.amount + taken > 0,
               docs.incomplete(Disbursement, ctx.checklist),
               *filt.project_conditions(as_of))
        .order_by(Project.code, Disbursement.paid_on, Disbursement.voucher_no)
    )


def describe_documents_missing(r, as_of, ctx) -> Alert:
    missing = docs.lacked(r, ctx.checklist, r.kind)
    return project_alert("documents_missing", r, (
        f"{r.kind.label} {r.voucher_no}({r.paid_on},{money(r.amount)} 元)缺少要件:"
        f"{'、'.join(k.label for k in missing)}"),
        voucher_no=r.voucher_no, amount=r.amount, days=(as_of - r.paid_on).days)
