"""Matching the treasury's payments to the ledger's (DOMAIN.md "The treasury's records",
CONTRACT.md `fundtrack reconcile`): a pure function of the two lists.

1. By voucher number: a treasury row and the ledger payment with the same 凭证号.
2. Else by amount, payee and date: a treasury row left over and a ledger payment left
   over with the same amount and the same payee, dated at most ``WINDOW_DAYS`` apart
   (the nearest date first, then the ledger's voucher order). Such a pair differs at
   least in its voucher number.

A pair is *matched* when it agrees in every field both sides hold (a field empty on
either side is not compared); otherwise it is in *differ*, naming the fields. What is
left is only in the treasury or only in the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..fields import normalize
from .queries import LedgerPayment
from .reading import TreasuryRow

#: "A date within a few days" (DOMAIN.md): the most days a pair found by amount and
#: payee may lie apart.
WINDOW_DAYS = 3

#: The fields compared, by English key, in the order they are named.
COMPARED = ("paid_on", "amount", "payee", "payee_account", "budget_subject", "document_no")
_TEXT = ("payee", "payee_account", "budget_subject", "document_no")


@dataclass(frozen=True, slots=True)
class Pair:
    treasury: TreasuryRow
    ledger: LedgerPayment
    #: The fields that differ (empty for a matched pair), ``voucher_no`` first when the
    #: pair was found by amount, payee and date.
    fields: tuple[str, ...] = ()


@dataclass
class Result:
    matched: list[Pair] = field(default_factory=list)
    only_in_treasury: list[TreasuryRow] = field(default_factory=list)
    only_in_ledger: list[LedgerPayment] = field(default_factory=list)
    differ: list[Pair] = field(default_factory=list)


#: Brackets a 文号 is written with (〔2024〕, [2024], 【2024】, (2024)): one document.
_BRACKETS = str.maketrans({"〔": "(", "【": "(", "[": "(", "〕": ")", "】": ")", "]": ")"})


def _same_text(a: str, b: str, key: str = "") -> bool:
    if a == b:
        return True
    a, b = normalize(a), normalize(b)
    if key == "document_no":
        a, b = a.translate(_BRACKETS), b.translate(_BRACKETS)
    return a == b


def differing(t: TreasuryRow, p: LedgerPayment) -> tuple[str, ...]:
    """The fields of the pair that differ, among those both sides hold."""
    out = [] if t.voucher_no == p.voucher_no else ["voucher_no"]
    for key in COMPARED:
        a, b = getattr(t, key), getattr(p, key)
        if a is None or b is None:
            continue
        if key in _TEXT:
            if not _same_text(a, b, key):
                out.append(key)
        elif a != b:
            out.append(key)
    return tuple(out)


def match(rows: list[TreasuryRow], payments: list[LedgerPayment]) -> Result:
    result = Result()
    by_voucher = {p.voucher_no: p for p in payments}
    used: set[str] = set()
    pairs: dict[int, Pair] = {}  # by the treasury row's number, to keep the file's order
    left: list[TreasuryRow] = []
    for t in rows:
        p = by_voucher.get(t.voucher_no)
        if p is not None and p.voucher_no not in used:
            used.add(p.voucher_no)
            pairs[t.row] = Pair(t, p, differing(t, p))
        else:
            left.append(t)
    pool: dict[tuple, list[LedgerPayment]] = defaultdict(list)
    for p in payments:
        if p.voucher_no not in used and p.payee is not None:
            pool[(p.amount, normalize(p.payee))].append(p)
    window = dt.timedelta(days=WINDOW_DAYS)
    for t in left:
        candidates = pool.get((t.amount, normalize(t.payee))) if t.payee else None
        best = None
        for p in candidates or ():
            gap = abs(p.paid_on - t.paid_on)
            if gap <= window and (best is None or gap < abs(best.paid_on - t.paid_on)):
                best = p
        if best is None:
            result.only_in_treasury.append(t)
            continue
        candidates.remove(best)
        used.add(best.voucher_no)
        pairs[t.row] = Pair(t, best, differing(t, best))
    for number in sorted(pairs):
        pair = pairs[number]
        (result.differ if pair.fields else result.matched).append(pair)
    result.only_in_ledger = [p for p in payments if p.voucher_no not in used]
    return result
