"""月结 (period close): the rules, once.

Decisions (README, "月结"):

- Closing a month closes every date on or before its last day. Months are closed in
  order: the first close may be any month that has ended (everything before it closes
  with it); each later close is the month right after the latest one, so every month-end
  has its own stored figures. A month that has not ended cannot be closed.
- A close is final: there is no reopening. A mistake in a closed month is corrected by a
  reversal (冲销) or a reduction (调减) dated in an open month, as the field does on paper.
- Money is locked: an arrival, an allocation, a payment or a reversal dated in a closed
  period is refused (``check_open``, called first by every posting function of
  funds.service, hence by the forms, the API and the importer alike). An allocation
  without a date counts at every date, so once anything is closed an allocation must
  carry a date in an open period.
- Milestones are schedule, not money: their dates stay editable (units often report a
  completion late). Every milestone change is in the change history with its time, so the
  schedule as it stood at a close can be rebuilt from 变更记录.
- At the close the 资金台账 as of the month's last day is stored with the close (every
  channel's issued, arrived, allocated and spent amounts and the totals, plus a SHA-256
  digest). Since nothing dated on or before that day can be added afterwards, the same
  report recomputed later is equal; the /periods page shows both side by side.
- December's close ends the year: it also stores the 结转结余 as of 31 December (every
  channel's carry-over, the year's arrivals, payments and recoveries, the balance and
  its idle money over one and two years, and the total, plus its own digest), checked
  against the same report recomputed the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from decimal import Decimal

from sqlalchemy import func, select

from ..clock import today
from ..database import current_actor
from ..errors import Refused
from ..extensions import db
from ..history.service import record
from ..importsession import kept, update
from ..ledger import carryover, fund_ledger
from ..ledger.reports.carryover import AMOUNTS as CARRYOVER_AMOUNTS
from .models import PeriodClose

#: The amounts of a 资金台账 row kept at the close.
AMOUNTS = ("amount_issued", "arrived", "allocated", "spent")
#: The amounts that only dated entries move (a channel registered later moves none).
FLOWS = ("arrived", "allocated", "spent")
_LOCK_KEY = "period:close"
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


# --- locking: postings share, a close is exclusive -----------------------------------


def _lock(shared: bool) -> None:
    """PostgreSQL: postings take the close lock shared (they run side by side), a close
    takes it exclusive, so no posting can slip in between a close's check and its
    snapshot. SQLite: the transaction's write lock already serializes them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    key = func.hashtextextended(_LOCK_KEY, 0)
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    db.session.execute(select(lock(key)))


def closed_through() -> dt.date | None:
    """The last day of the latest closed month, or None when nothing is closed."""
    return db.session.scalar(select(func.max(PeriodClose.ends_on)))


def _closed_through_locked() -> dt.date | None:
    """The latest close, read under the close lock (shared). Within an import session
    both are taken on the first ``check_open`` only, not for every entry: they hold to
    the end of the transaction, and a close waits for the lock (SQLite: for the write
    lock), so the latest close cannot change meanwhile."""
    def load():
        _lock(shared=True)
        return closed_through()

    return kept("closed-through", None, load)


def check_open(on: dt.date | None, field: str) -> None:
    """Refuse an entry dated ``on`` (None: undated) that would change a closed period."""
    end = _closed_through_locked()
    if end is None:
        return
    if on is None:
        raise Refused(
            f"已月结至 {end}:未填日期的记录计入所有日期,会改变已结账的数字,"
            f"请填写 {end} 之后的日期",
            field,
            conflict=True,
        )
    if on <= end:
        raise Refused(
            f"日期 {on} 所在期间已月结(已结账至 {end}),不能再录入或冲销该期间的记录;"
            f"更正请在 {end} 之后的未结账期间办理(冲销或调减)",
            field,
            conflict=True,
        )


# --- closing -------------------------------------------------------------------------


def parse_month(text: str | None) -> tuple[str, dt.date]:
    """"YYYY-MM" → (the normalized month, its last day)."""
    match = _MONTH.match(text or "")
    year, month = (int(match[1]), int(match[2])) if match else (0, 0)
    if not match or not 1 <= month <= 12 or year < 1900:
        raise Refused("月份格式应为 YYYY-MM,如 2026-10", "month")
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}", dt.date(year, month, last)


def next_month(end: dt.date) -> str:
    first = end + dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def suggested_month() -> str:
    """What the close form offers: the month after the latest close, else last month."""
    end = closed_through()
    if end is not None:
        return next_month(end)
    return next_month(today().replace(day=1) - dt.timedelta(days=32))


def check_can_close(month_text: str | None) -> tuple[str, dt.date]:
    """Refused unless ``month_text`` may be closed now; else (month, its last day)."""
    month, ends_on = parse_month(month_text)
    if ends_on >= today():
        raise Refused(f"{month} 尚未结束(月末为 {ends_on}),不能月结", "month")
    end = closed_through()
    if end is not None:
        if ends_on <= end:
            raise Refused(f"{month} 已月结(已结账至 {end})", "month", conflict=True)
        expected = next_month(end)
        if month != expected:
            raise Refused(
                f"须按月份顺序月结:下一个应月结的月份是 {expected}", "month", conflict=True
            )
    return month, ends_on


def _text(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def fund_snapshot(as_of: dt.date) -> dict:
    """The 资金台账 as of ``as_of``: rows (code and amounts as text) and the total."""
    report = fund_ledger(as_of)
    rows = [
        {"source_code": r["source_code"], **{k: _text(r[k]) for k in AMOUNTS}}
        for r in report.rows
    ]
    total = {k: _text(report.total[k]) for k in (*AMOUNTS, "balance")}
    return {"rows": rows, "total": total}


def carryover_snapshot(as_of: dt.date) -> dict:
    """The 结转结余 as of ``as_of``: rows (code and amounts as text) and the total."""
    report = carryover(as_of)
    rows = [
        {"source_code": r["source_code"], **{k: _text(r[k]) for k in CARRYOVER_AMOUNTS}}
        for r in report.rows
    ]
    total = {k: _text(report.total[k]) for k in CARRYOVER_AMOUNTS}
    return {"rows": rows, "total": total}


def ends_year(ends_on: dt.date) -> bool:
    """December's close ends the year: it stores the 结转结余 too."""
    return ends_on.month == 12


def digest(rows: list[dict]) -> str:
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def close_month(month_text: str | None) -> PeriodClose:
    """Close the month (finance, admin): store the 资金台账 as of its last day."""
    _lock(shared=False)
    month, ends_on = check_can_close(month_text)
    snap = fund_snapshot(ends_on)
    year = carryover_snapshot(ends_on) if ends_year(ends_on) else None
    close = PeriodClose(
        month=month,
        ends_on=ends_on,
        closed_at=dt.datetime.now(dt.UTC),
        closed_by=current_actor(),
        snapshot=snap,
        digest=digest(snap["rows"]),
        carryover=year,
        carryover_digest=digest(year["rows"]) if year is not None else None,
    )
    db.session.add(close)
    update("closed-through", None, lambda _: ends_on)  # the latest close, if kept
    record("insert", close)
    return close


# --- checking a close against the ledger now ----------------------------------------


def _compare(now: dict, stored_rows: list[dict], flows) -> dict:
    """A snapshot recomputed now against the stored rows: the channels kept (stored, or
    carrying money dated in the closed period), those that differ, their digest."""
    stored = {r["source_code"]: r for r in stored_rows}
    kept = [
        r for r in now["rows"]
        if r["source_code"] in stored or any(Decimal(r[k]) != 0 for k in flows)
    ]
    differing = sorted(
        {r["source_code"] for r in kept if stored.get(r["source_code"]) != r}
        | (stored.keys() - {r["source_code"] for r in kept})
    )
    return {"total": now["total"], "digest": digest(kept), "differing": differing,
            "equal": not differing}


def verify(close: PeriodClose) -> dict:
    """The 资金台账 as of the close's last day recomputed now, beside what was stored.

    Equal when every stored channel has the same amounts and no channel registered since
    carries money dated in the closed period; ``digest`` is then the stored digest.
    A year's close (December) also holds ``carryover``: the 结转结余 compared the same
    way (None for the other months).
    """
    out = _compare(fund_snapshot(close.ends_on), close.snapshot["rows"], FLOWS)
    out["carryover"] = None
    if close.carryover is not None:
        out["carryover"] = _compare(carryover_snapshot(close.ends_on),
                                    close.carryover["rows"], CARRYOVER_AMOUNTS)
    return out


def closes() -> list[PeriodClose]:
    return list(db.session.scalars(select(PeriodClose).order_by(PeriodClose.ends_on.desc())))
