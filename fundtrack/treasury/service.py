"""Reconciliation (对账) and the two writes it leads to.

``reconcile`` reads the export and the ledger and writes nothing. From its result a
clerk may register a payment only the treasury holds (through funds.service, where
every rule applies) or mark a difference explained with a note (in the history).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..enums import PaymentKind
from ..errors import Refused
from ..extensions import db
from ..fields import clean
from ..funds import service as funds
from ..funds.models import Disbursement
from ..history.service import record
from ..projects.service import get_project
from ..settings.service import treasury_headers
from .match import COMPARED, Pair, Result, match
from .models import Explanation
from .queries import LedgerPayment, explanations, ledger_payments
from .reading import Export, TreasuryRow, read_export


@dataclass
class Reconciliation:
    export: Export
    #: None when the export was refused.
    result: Result | None

    @property
    def ok(self) -> bool:
        return self.result is not None


def reconcile(path, *, name: str | None = None,
              aliases: dict[str, str] | None = None) -> Reconciliation:
    """Match the treasury export at ``path`` against the ledger's payments dated in the
    export's date range (its earliest to its latest 支付日期). ``aliases``: the county's
    header names (default: the saved mapping). Writes nothing."""
    export = read_export(path, aliases=treasury_headers() if aliases is None else aliases,
                         name=name)
    if not export.ok:
        return Reconciliation(export, None)
    if not export.rows:
        return Reconciliation(export, Result())
    start = min(r.paid_on for r in export.rows)
    end = max(r.paid_on for r in export.rows)
    return Reconciliation(export, match(export.rows, ledger_payments(start, end)))


# --- the answer as JSON (the command's --json and text) ---------------------------------


def _values(item) -> dict:
    return {
        "voucher_no": item.voucher_no,
        "paid_on": item.paid_on.isoformat(),
        "amount": money_text(item.amount),
        **{k: getattr(item, k) for k in ("payee", "payee_account", "budget_subject",
                                         "document_no")},
    }


def money_text(value) -> str:
    return f"{value:.2f}"


def treasury_item(t: TreasuryRow) -> dict:
    return {"row": t.row, **_values(t)}


def ledger_item(p: LedgerPayment) -> dict:
    return {**_values(p), "project_code": p.project_code, "source_code": p.source_code}


def differ_item(pair: Pair, explained: Explanation | None = None) -> dict:
    return {
        "voucher_no": pair.treasury.voucher_no,
        "ledger_voucher_no": pair.ledger.voucher_no,
        "row": pair.treasury.row,
        "fields": list(pair.fields),
        "treasury": treasury_item(pair.treasury),
        "ledger": ledger_item(pair.ledger),
        "explained": explained.note if explained is not None else None,
    }


def explanation_of(pair: Pair, notes: dict) -> Explanation | None:
    """The explanation that still holds for this difference (the same fields differ)."""
    e = notes.get((pair.treasury.voucher_no, pair.ledger.voucher_no))
    return e if e is not None and e.fields == ",".join(pair.fields) else None


def as_json(result: Result) -> dict:
    notes = explanations() if result.differ else {}
    return {
        "matched": len(result.matched),
        "only_in_treasury": [treasury_item(t) for t in result.only_in_treasury],
        "only_in_ledger": [ledger_item(p) for p in result.only_in_ledger],
        "differ": [differ_item(p, explanation_of(p, notes)) for p in result.differ],
    }


def text_lines(body: dict, *, rows: int) -> list[str]:
    """The result for a person at a terminal (the command without --json)."""
    def who(item):
        return " ".join(x for x in (item["paid_on"], item["amount"], item["payee"] or "")
                        if x)

    out = [f"国库支付 {rows} 笔:一致 {body['matched']} 笔,仅国库有 "
           f"{len(body['only_in_treasury'])} 笔,仅台账有 {len(body['only_in_ledger'])} 笔,"
           f"不一致 {len(body['differ'])} 笔"]
    if body["only_in_treasury"]:
        out.append("仅国库有(台账未登记):")
        out += [f"  第{t['row']}行 {t['voucher_no']} {who(t)}" for t in body["only_in_treasury"]]
    if body["only_in_ledger"]:
        out.append("仅台账有(国库导出中没有):")
        out += [f"  {p['voucher_no']} {p['project_code']} {p['source_code']} {who(p)}"
                for p in body["only_in_ledger"]]
    if body["differ"]:
        out.append("不一致:")
        for d in body["differ"]:
            parts = [f"{FIELD_LABELS[f]} 国库 {d['treasury'][f] or '—'} / 台账 "
                     f"{d['ledger'][f] or '—'}" for f in d["fields"]]
            note = f"(已说明:{d['explained']})" if d["explained"] else ""
            out.append(f"  第{d['row']}行 {d['voucher_no']}:{';'.join(parts)}{note}")
    return out


# --- the writes ----------------------------------------------------------------------


def register_payment(row: TreasuryRow, *, project_code: str, source_code: str,
                     kind: PaymentKind, memo: str | None = None) -> Disbursement:
    """Post the treasury's payment ``row`` to the ledger for the chosen project and
    channel, as the payment form would: every rule of funds.service applies."""
    if kind == PaymentKind.REVERSAL:
        raise Refused("冲销请在原凭证的页面办理", "kind")
    return funds.post_disbursement(
        voucher_no=row.voucher_no, project=get_project(project_code),
        source=funds.get_source(source_code), paid_on=row.paid_on, amount=row.amount,
        kind=kind, payee=row.payee, memo=memo or (
            f"据国库支付凭证登记(指标文号 {row.document_no})" if row.document_no
            else "据国库支付凭证登记"),
        payee_account=row.payee_account, budget_subject=row.budget_subject,
    )


def explain(pair: Pair, note: str | None) -> Explanation:
    """Mark the difference of ``pair`` explained, with ``note`` (required); the
    explanation is in the change history with who and when."""
    if not pair.fields:
        raise Refused("该笔支付与台账一致,无需说明", "note")
    text = clean("note", note)
    if not text:
        raise Refused("请填写差异说明", "note")
    explanation = Explanation(voucher_no=pair.treasury.voucher_no,
                              ledger_voucher_no=pair.ledger.voucher_no,
                              fields=",".join(pair.fields), note=text)
    db.session.add(explanation)
    db.session.flush()
    record("insert", explanation)
    return explanation


#: Each compared field's name on the screen and in the downloaded result.
FIELD_LABELS = {
    "voucher_no": "凭证号", "paid_on": "支付日期", "amount": "支付金额", "payee": "收款人",
    "payee_account": "收款账号", "budget_subject": "预算科目", "document_no": "指标文号",
}
assert set(COMPARED) < set(FIELD_LABELS)
