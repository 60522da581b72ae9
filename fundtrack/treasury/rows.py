"""A reconciliation's result as rows: what the 对账 screen lists and its download holds,
one row per pair or lone payment, with its group, filtered by group and text."""

from __future__ import annotations

from ..sheets import Column, Sheet
from .match import Result
from .service import FIELD_LABELS, explanation_of

#: The groups, by key, in the order of the screen's tabs.
GROUPS = {"differ": "不一致", "only_in_treasury": "仅国库有", "only_in_ledger": "仅台账有",
          "matched": "一致"}

#: The downloaded result (对账结果); both sides' values where a pair has two.
RESULT_SHEET = Sheet("对账结果", (
    Column("group_label", "对账结果", width=10),
    Column("row", "国库行号", "int", width=8),
    Column("voucher_no", "国库凭证号", "code", width=18),
    Column("ledger_voucher_no", "台账凭证号", "code", width=18),
    Column("paid_on", "国库支付日期", "date", width=12),
    Column("ledger_paid_on", "台账支付日期", "date", width=12),
    Column("amount", "国库支付金额", "money", width=14),
    Column("ledger_amount", "台账支付金额", "money", width=14),
    Column("payee", "国库收款人", width=24),
    Column("ledger_payee", "台账收款单位", width=24),
    Column("payee_account", "国库收款账号", "code", width=22),
    Column("ledger_payee_account", "台账收款账号", "code", width=22),
    Column("budget_subject", "国库预算科目", width=20),
    Column("ledger_budget_subject", "台账预算科目", width=20),
    Column("document_no", "国库指标文号", width=20),
    Column("ledger_document_no", "台账下达文号", width=20),
    Column("project_code", "项目编号", "code", width=14),
    Column("source_code", "资金来源编号", "code", width=14),
    Column("fields_label", "差异项", width=20),
    Column("explained", "差异说明", width=30),
))

_VALUES = ("voucher_no", "paid_on", "amount", "payee", "payee_account", "budget_subject",
           "document_no")


def _row(group: str, treasury=None, ledger=None, fields=(), explained=None) -> dict:
    row = {"group": group, "group_label": GROUPS[group], "fields": list(fields),
           "fields_label": "、".join(FIELD_LABELS[f] for f in fields),
           "explained": explained, "row": treasury.row if treasury else None,
           "project_code": ledger.project_code if ledger else None,
           "source_code": ledger.source_code if ledger else None}
    for key in _VALUES:
        row[key] = getattr(treasury, key) if treasury else None
        row[f"ledger_{key}"] = getattr(ledger, key) if ledger else None
    return row


def result_rows(result: Result, notes: dict) -> list[dict]:
    """Every row of the result: the differences first (the file's order), then what is
    only in the treasury, only in the ledger, and the matched pairs."""
    out = []
    for pair in result.differ:
        e = explanation_of(pair, notes)
        out.append(_row("differ", pair.treasury, pair.ledger, pair.fields,
                        e.note if e else None))
    out += [_row("only_in_treasury", treasury=t) for t in result.only_in_treasury]
    out += [_row("only_in_ledger", ledger=p) for p in result.only_in_ledger]
    out += [_row("matched", p.treasury, p.ledger) for p in result.matched]
    return out


def counts(result: Result) -> dict[str, int]:
    return {"differ": len(result.differ), "only_in_treasury": len(result.only_in_treasury),
            "only_in_ledger": len(result.only_in_ledger), "matched": len(result.matched)}


def filtered(rows: list[dict], group: str | None, text: str | None) -> list[dict]:
    """The rows of ``group`` (all when None) holding ``text`` in a voucher number, payee,
    account, subject, 文号 or project/channel code."""
    if group:
        rows = [r for r in rows if r["group"] == group]
    text = (text or "").strip()
    if text:
        keys = [k for k in rows[0] if k.endswith(("voucher_no", "payee", "payee_account",
                                                   "budget_subject", "document_no"))
                or k in ("project_code", "source_code")] if rows else []
        rows = [r for r in rows if any(r[k] and text in str(r[k]) for k in keys)]
    return rows
