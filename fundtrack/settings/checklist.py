"""The documents a payment of each kind should have (要件清单), one JSON setting an admin
edits on the settings page; a missing document is a warning (要件不全,
fundtrack/warnings/documents.py), never a refusal. Without a stored list a kind has its
default (issue 18): 预付款 — 合同; 进度款 — 发票; 结算款 — 验收报告, 结算审计报告, 发票;
质保金 — 发票."""

from __future__ import annotations

import json

from ..attachments.models import DocumentKind
from ..enums import PaymentKind
from ..errors import Refused
from .store import read, write

CHECKLIST_KEY = "payment_checklist"

#: The payment kinds that have a checklist: every kind but a reversal (冲销).
CHECKLIST_KINDS: tuple[PaymentKind, ...] = (
    PaymentKind.ADVANCE, PaymentKind.PROGRESS, PaymentKind.SETTLEMENT, PaymentKind.RETENTION)

DEFAULT_CHECKLIST: dict[PaymentKind, tuple[DocumentKind, ...]] = {
    PaymentKind.ADVANCE: (DocumentKind.CONTRACT,),
    PaymentKind.PROGRESS: (DocumentKind.INVOICE,),
    PaymentKind.SETTLEMENT: (DocumentKind.ACCEPTANCE, DocumentKind.SETTLEMENT_AUDIT,
                             DocumentKind.INVOICE),
    PaymentKind.RETENTION: (DocumentKind.INVOICE,),
}


def checklist_field(kind: PaymentKind) -> str:
    """The name of a kind's form field (and of a refusal's ``field``)."""
    return f"checklist_{kind.value}"


def get_checklist() -> dict[PaymentKind, tuple[DocumentKind, ...]]:
    """Every payment kind but 冲销 → the document kinds it needs, in DocumentKind's order
    (one statement)."""
    out = dict(DEFAULT_CHECKLIST)
    stored = read(CHECKLIST_KEY)
    if stored:
        for kind, docs in json.loads(stored).items():
            out[PaymentKind(kind)] = tuple(DocumentKind(d) for d in docs)
    return out


def _kinds(kind: PaymentKind, docs) -> tuple[DocumentKind, ...]:
    chosen = set()
    for d in docs or ():
        if isinstance(d, DocumentKind):
            chosen.add(d)
            continue
        try:
            chosen.add(DocumentKind.from_text(str(d)))
        except ValueError:
            raise Refused(f"「{kind.label}」的要件中没有「{d}」这种类型",
                          checklist_field(kind)) from None
    return tuple(d for d in DocumentKind if d in chosen)


def set_checklist(changes: dict) -> dict[PaymentKind, tuple[DocumentKind, ...]]:
    """Change the lists of the kinds given (PaymentKind or its label → document kinds, as
    DocumentKind, code or label; an empty list needs nothing); the others keep theirs.
    Writes nothing when nothing changes; otherwise one change-history row."""
    current = get_checklist()
    merged = dict(current)
    for key, docs in changes.items():
        try:
            kind = key if isinstance(key, PaymentKind) else PaymentKind.from_text(str(key))
        except ValueError:
            raise Refused(f"没有「{key}」这种支付类型", "checklist") from None
        if kind not in CHECKLIST_KINDS:
            raise Refused(f"「{kind.label}」不需要要件清单", "checklist")
        merged[kind] = _kinds(kind, docs)
    if merged != current:
        write(CHECKLIST_KEY, json.dumps(
            {k.value: [d.value for d in merged[k]] for k in CHECKLIST_KINDS},
            ensure_ascii=False))
    return merged
