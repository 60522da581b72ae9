"""The order in which an import applies allocation and payment rows.

The services check each row against what is already there, so a workbook whose end state
is sound could still be refused if its rows were applied in an unlucky order (a payment
re-entered before the wrong one it replaces is reversed; money re-allocated to project A
before it is taken from project B). These functions choose an order that lets a sound
workbook through, and in particular replays an exported workbook as it happened. They
never decide what is allowed: every row still goes through its service.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .reading import Row


def allocation_order(rows: list[Row]) -> list[Row]:
    """Allocation rows grouped by (project, channel), reductions as early as they fit.

    Within a pair, rows keep the sheet's order, except that a reduction waits until the
    pair's earlier rows of this workbook have allocated enough for it. Across pairs, the
    pairs that free a channel's money (a reduction, or an allocation later reduced) come
    first, so that the channel's running total stays as low as it can (invariant 3).
    """
    pairs: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        pairs[(row["project_code"], row["source_code"])].append(row)
    ordered = [_pair_order(group) for group in pairs.values()]

    def key(item):
        index, group = item
        running, peak = Decimal(0), None
        for row in group:
            running += row["amount"]
            peak = running if peak is None else max(peak, running)
        # Jobs with a peak above their net first (exchange argument), then the most
        # negative net, then the sheet's order.
        return (-(peak - running), running, index)

    result = []
    for _, group in sorted(enumerate(ordered), key=key):
        result.extend(group)
    return result


def _pair_order(group: list[Row]) -> list[Row]:
    out, waiting, running = [], [], Decimal(0)
    for row in group:
        if row["amount"] >= 0 or running + row["amount"] >= 0:
            out.append(row)
            running += row["amount"]
        else:
            waiting.append(row)
        still = []
        for w in waiting:
            if running + w["amount"] >= 0:
                out.append(w)
                running += w["amount"]
            else:
                still.append(w)
        waiting = still
    # What never fits reduces an allocation already in the database (or is refused).
    return out + waiting


def disbursement_order(rows: list[Row], is_reversal) -> list[Row]:
    """Payment rows by payment date, keeping the sheet's order within a day, with each
    reversal placed after the payment it reverses when that comes later in the sheet.

    Within a day the sheet's order is the order of entry (export writes it so), which
    matters when a wrong payment is reversed and re-entered on the same day.
    """
    rows = sorted(rows, key=lambda r: r["paid_on"])
    vouchers = {r["voucher_no"] for r in rows}
    placed: set = set()
    waiting: dict[str, list[Row]] = defaultdict(list)
    out: list[Row] = []

    def place(row):
        out.append(row)
        placed.add(row["voucher_no"])
        for w in waiting.pop(row["voucher_no"], []):
            place(w)

    for row in rows:
        target = row["reverses"]
        if is_reversal(row) and target in vouchers and target not in placed \
                and target != row["voucher_no"]:
            waiting[target].append(row)
        else:
            place(row)
    for group in waiting.values():  # its payment never came: the service will say so
        out.extend(group)
    return out
