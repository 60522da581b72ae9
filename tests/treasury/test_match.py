"""The pairing itself (treasury/match.py), a pure function: by voucher, else by amount,
payee and a date at most three days off (the nearest first); fields compared only where
both sides hold them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fundtrack.treasury.match import WINDOW_DAYS, match
from fundtrack.treasury.queries import LedgerPayment
from fundtrack.treasury.reading import TreasuryRow

DAY = dt.date(2024, 5, 10)


def ledger(voucher, on=DAY, amount="100.00", payee="县路桥公司", account=None,
           document="财农〔2024〕1号"):
    return LedgerPayment(voucher, "XM001", "ZY01", on, Decimal(amount), payee, account,
                         None, document)


def treasury(row, voucher, on=DAY, amount="100.00", payee="县路桥公司", account=None,
             document=None):
    return TreasuryRow(row, voucher, on, Decimal(amount), payee, account, None, document)


def test_a_field_empty_on_one_side_is_not_compared():
    r = match([treasury(2, "PZ1", account="6228")], [ledger("PZ1", account=None)])
    assert [p.ledger.voucher_no for p in r.matched] == ["PZ1"] and not r.differ


def test_a_document_number_in_other_brackets_or_widths_is_the_same():
    rows = [treasury(2, "PZ1", document="财农[2024]1号"),
            treasury(3, "PZ2", document="财农【2024】1号"),
            treasury(4, "PZ3", document="财农(2024)2号")]
    r = match(rows, [ledger("PZ1"), ledger("PZ2"), ledger("PZ3")])
    assert [p.treasury.voucher_no for p in r.matched] == ["PZ1", "PZ2"]
    assert [(p.treasury.voucher_no, p.fields) for p in r.differ] == [("PZ3",
                                                                     ("document_no",))]


def test_without_the_voucher_the_nearest_date_within_the_window_pairs():
    far = DAY + dt.timedelta(days=WINDOW_DAYS + 1)
    near, nearer = DAY + dt.timedelta(days=WINDOW_DAYS), DAY - dt.timedelta(days=1)
    r = match([treasury(2, "GK1"), treasury(3, "GK2", on=far + dt.timedelta(days=10))],
              [ledger("PZ1", on=near), ledger("PZ2", on=nearer), ledger("PZ3", on=far)])
    assert [(p.treasury.voucher_no, p.ledger.voucher_no, p.fields) for p in r.differ] == [
        ("GK1", "PZ2", ("voucher_no", "paid_on"))]
    assert [t.voucher_no for t in r.only_in_treasury] == ["GK2"]
    assert [p.voucher_no for p in r.only_in_ledger] == ["PZ1", "PZ3"]


def test_without_the_voucher_another_amount_or_payee_does_not_pair():
    r = match([treasury(2, "GK1", amount="100.01"), treasury(3, "GK2", payee="县水务公司"),
               treasury(4, "GK3", payee=None)],
              [ledger("PZ1")])
    assert len(r.only_in_treasury) == 3 and [p.voucher_no for p in r.only_in_ledger] == ["PZ1"]
