"""The rules of the money: every invariant of DOMAIN.md about funds is checked here, once.

Every write that checks a channel-level limit first locks the channel's row
(``lock_source``): on PostgreSQL ``SELECT ... FOR UPDATE`` makes concurrent postings
against one channel wait for each other, so nothing can slip between a check and its
insert. On SQLite the transaction already holds the write lock (see database.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import and_, or_, select

from ..bulk import add, build
from ..database import lock_name
from ..enums import (
    FundCategory,
    Level,
    MilestoneKind,
    PaymentKind,
    ProjectStatus,
    RecoveryDestination,
)
from ..errors import NotFound, Refused
from ..extensions import db
from ..fields import clean, normalize
from ..formatting import money
from ..history.service import record
from ..importsession import find_by, is_new, kept, lock_once, update
from ..milestones.service import acceptance_date, done_date, note_settlement
from ..money import ZERO
from ..periods.service import check_open
from ..projects.models import Project
from ..projects.service import lock_project
from ..settings.service import tender_threshold
from .balances import (
    cash_available,
    note_allocated,
    note_cash,
    note_pair,
    note_recovered,
    remaining_allocation,
    source_allocated,
    source_recovered,
    sum_of,
)
from .models import Allocation, Disbursement, FundArrival, FundSource, Recovery
from .queries import reversible_of


def _find_source(code: str) -> FundSource | None:
    return find_by(FundSource, code=normalize(code))


def _find_disbursement(voucher_no: str) -> Disbursement | None:
    return find_by(Disbursement, voucher_no=normalize(voucher_no))


def get_source(code: str, field: str = "source_code") -> FundSource:
    source = _find_source(code)
    if source is None:
        raise NotFound(f"资金来源编号「{code}」不存在", field)
    return source


def get_disbursement(voucher_no: str, field: str = "voucher_no") -> Disbursement:
    d = _find_disbursement(voucher_no)
    if d is None:
        raise NotFound(f"凭证号「{voucher_no}」不存在", field)
    return d


def lock_source(source: FundSource) -> None:
    """Hold the channel's row until the transaction ends (PostgreSQL; SQLite is locked
    whole). Within an import session, once per channel (importsession.lock_once)."""
    if not lock_once(source):
        return
    with db.session.no_autoflush:  # the lock needs nothing written first
        db.session.execute(
            select(FundSource.id).where(FundSource.id == source.id).with_for_update()
        )


# --- channels and arrivals ---------------------------------------------------------


def create_source(
    *,
    code: str,
    name: str,
    level: Level,
    category: FundCategory,
    year: int,
    amount_issued: Decimal,
    document_no: str | None = None,
    issued_on: dt.date | None = None,
) -> FundSource:
    code = clean("source_code", code, required=True)
    name = clean("name", name, required=True)
    document_no = clean("document_no", document_no)
    lock_name("source", code)
    if _find_source(code) is not None:
        raise Refused(f"资金来源编号「{code}」已存在", "source_code", conflict=True)
    if amount_issued < 0:
        raise Refused("下达金额不能为负数", "amount_issued")
    source = FundSource(
        code=code,
        name=name,
        level=level,
        category=category,
        year=year,
        amount_issued=amount_issued,
        document_no=document_no,
        issued_on=issued_on,
    )
    add(source)
    record("insert", source)
    return source


def record_arrival(
    source: FundSource, *, arrived_on: dt.date, amount: Decimal, note: str | None = None
) -> FundArrival:
    check_open(arrived_on, "arrived_on")
    note = clean("note", note)
    if amount <= 0:
        raise Refused("到位金额须大于零", "amount")
    arrival = build(FundArrival, source_id=source.id, source=source,
                    arrived_on=arrived_on, amount=amount, note=note)
    add(arrival)
    note_cash(source.id, arrived_on, amount)
    record("insert", arrival)
    return arrival


# --- recoveries --------------------------------------------------------------------


def record_recovery(
    source: FundSource,
    *,
    recovered_on: dt.date,
    amount: Decimal,
    destination: RecoveryDestination,
    document_no: str | None = None,
    reason: str | None = None,
) -> Recovery:
    """Take money back from a channel (资金收回): invariant 3 (what is issued and neither
    allocated nor already recovered) and invariant 2 (its cash at its date and every later
    date) both count it."""
    check_open(recovered_on, "recovered_on")
    if amount <= 0:
        raise Refused("收回金额须大于零", "amount")
    if not isinstance(destination, RecoveryDestination):
        raise Refused(f"去向应为:{'、'.join(RecoveryDestination.labels())}", "destination")
    lock_source(source)
    allocated, recovered = source_allocated(source), source_recovered(source)
    room = source.amount_issued - allocated - recovered
    if amount > room:  # invariant 3
        raise Refused(
            f"超出可收回额度:资金来源「{source.code}」下达金额 {money(source.amount_issued)} 元,"
            f"已安排 {money(allocated)} 元,已收回 {money(recovered)} 元,可收回 "
            f"{money(max(room, ZERO))} 元,本次收回 {money(amount)} 元(先调减安排资金,再收回)",
            "amount",
            conflict=True,
        )
    available = cash_available(source, recovered_on)
    if amount > available:  # invariant 2
        raise Refused(
            f"超出到位资金:资金来源「{source.code}」截至 {recovered_on} 及其后可用的到位资金为 "
            f"{money(max(available, ZERO))} 元,本次收回 {money(amount)} 元",
            "amount",
            conflict=True,
        )
    recovery = Recovery(source_id=source.id, source=source, recovered_on=recovered_on,
                        amount=amount, destination=destination,
                        document_no=clean("document_no", document_no),
                        reason=clean("reason", reason))
    add(recovery)
    note_recovered(source.id, recovered_on, amount)
    record("insert", recovery)
    return recovery


# --- allocations -------------------------------------------------------------------


#: The statuses whose projects receive allocations.
RECEIVING = (ProjectStatus.PLANNED, ProjectStatus.IMPLEMENTING)


def check_receives_allocations(project: Project, amount: Decimal, *,
                               recorded: bool = False) -> None:
    """Only 计划 and 实施 projects receive allocations (DOMAIN.md "Projects")."""
    status = project.status
    if status in RECEIVING:
        return
    if status == ProjectStatus.PROPOSED or (amount > 0 and not recorded):
        raise Refused(
            f"项目「{project.code}」状态为{status.label},只有计划和实施的项目才能安排资金"
            + ("(储备项目须先经审定列入计划)" if status == ProjectStatus.PROPOSED else ""),
            "project_code", conflict=True)


def allocate(
    project: Project,
    source: FundSource,
    *,
    amount: Decimal,
    document_no: str | None = None,
    allocated_on: dt.date | None = None,
    recorded: bool = False,
) -> Allocation:
    """Allocate (or, with a negative amount, reduce) a channel's money to a project.

    Only 计划 and 实施 projects receive allocations; a 储备 project none at all. A
    workbook (``recorded``) records what already is: a 完工 or 终止 project's
    allocations load, and a reduction of one is always allowed."""
    check_open(allocated_on, "allocated_on")
    document_no = clean("document_no", document_no)
    if amount == 0:
        raise Refused("安排金额不能为零", "amount")
    check_receives_allocations(project, amount, recorded=recorded)
    lock_source(source)
    if amount > 0:
        total = source_allocated(source) + amount
        recovered = source_recovered(source)
        if total + recovered > source.amount_issued:  # invariant 3
            also = f",另已收回 {money(recovered)} 元" if recovered else ""
            raise Refused(
                f"资金来源「{source.code}」累计安排 {money(total)} 元{also},超过下达金额 "
                f"{money(source.amount_issued)} 元",
                "amount",
                conflict=True,
            )
    else:  # invariant 1: a reduction may not take the allocation below what was paid
        left = remaining_allocation(project, source, allocated_on)
        if -amount > left:
            when = f"截至 {allocated_on} 及其后" if allocated_on else "在任一日期"
            hint = "" if allocated_on else ";未填安排日期的调减计入每一日期,可填写调减日期"
            raise Refused(
                f"调减超出可调减的安排资金:项目「{project.code}」在资金来源「{source.code}」"
                f"{when}可调减的安排资金为 {money(max(left, ZERO))} 元,本次调减 "
                f"{money(-amount)} 元(调减后安排资金不得低于截至同日的已支出{hint})",
                "amount",
                conflict=True,
            )
    allocation = build(
        Allocation,
        project_id=project.id,
        project=project,
        source_id=source.id,
        source=source,
        amount=amount,
        document_no=document_no,
        allocated_on=allocated_on,
    )
    add(allocation)
    note_pair(project, source, allocated_on, amount)
    note_allocated(source.id, amount)
    record("insert", allocation)
    return allocation


def return_leftover(project: Project, source: FundSource, on: dt.date) -> Allocation:
    """项目结余: a project settled (报账 done by ``on``) gives what it was allocated from a
    channel and did not spend back to the channel, by a reduction (调减) dated ``on`` of
    all that invariant 1 lets go at that date and every later one."""
    settled = done_date(project, MilestoneKind.SETTLED)
    if settled is None or settled > on:
        raise Refused(f"项目「{project.code}」截至 {on} 尚未报账,不能按项目结余调减",
                      "project_code", conflict=True)
    lock_source(source)
    left = remaining_allocation(project, source, on)
    if left <= 0:
        raise Refused(f"项目「{project.code}」在资金来源「{source.code}」没有结余可调减",
                      "amount", conflict=True)
    return allocate(project, source, amount=-left, document_no="项目结余调减",
                    allocated_on=on)


# --- payments and reversals --------------------------------------------------------


def _check_voucher_free(voucher_no: str) -> None:
    if not voucher_no or not voucher_no.strip():
        raise Refused("凭证号不能为空", "voucher_no")
    lock_name("voucher", voucher_no)
    if _find_disbursement(voucher_no) is not None:
        raise Refused(f"凭证号「{voucher_no}」已存在", "voucher_no", conflict=True)


def post_disbursement(
    *,
    voucher_no: str,
    project: Project,
    source: FundSource,
    paid_on: dt.date,
    amount: Decimal,
    kind: PaymentKind,
    payee: str | None = None,
    memo: str | None = None,
    reverses: Disbursement | None = None,
    payee_account: str | None = None,
    budget_subject: str | None = None,
) -> Disbursement:
    """Post one payment, or with kind 冲销 a reversal of the payment ``reverses``.
    ``payee_account`` (收款账号) and ``budget_subject`` (预算科目) are optional text."""
    check_open(paid_on, "paid_on")
    voucher_no = clean("voucher_no", voucher_no, required=True)
    payee, memo = clean("payee", payee), clean("memo", memo)
    extra = {"payee_account": clean("payee_account", payee_account),
             "budget_subject": clean("budget_subject", budget_subject)}
    if kind == PaymentKind.REVERSAL:
        return _post_reversal(
            voucher_no=voucher_no,
            original=reverses,
            project=project,
            source=source,
            paid_on=paid_on,
            amount=amount,
            payee=payee,
            memo=memo,
            extra=extra,
        )
    if reverses is not None:
        raise Refused("只有支付类型为“冲销”的凭证才能填写冲销凭证号", "reverses")
    if amount <= 0:
        raise Refused("支付金额须大于零(冲销请选择支付类型“冲销”)", "amount")
    _check_voucher_free(voucher_no)
    lock_source(source)

    remaining = remaining_allocation(project, source, paid_on)
    if amount > remaining:  # invariant 1
        raise Refused(
            f"超出安排资金:项目「{project.code}」在资金来源「{source.code}」截至 {paid_on} "
            f"及其后可用的安排资金为 {money(max(remaining, ZERO))} 元,本次支付 "
            f"{money(amount)} 元",
            "amount",
            conflict=True,
        )
    available = cash_available(source, paid_on)
    if amount > available:  # invariant 2
        raise Refused(
            f"超出到位资金:资金来源「{source.code}」截至 {paid_on} 及其后可用的到位资金为 "
            f"{money(max(available, ZERO))} 元,本次支付 {money(amount)} 元",
            "amount",
            conflict=True,
        )
    if kind == PaymentKind.SETTLEMENT:  # invariant 5
        lock_project(project)
        accepted = acceptance_date(project)
        if accepted is None or accepted > paid_on:
            raise Refused(
                f"结算款须在项目验收之后支付:项目「{project.code}」"
                + (f"验收日期为 {accepted}" if accepted else "尚未验收"),
                "kind",
                conflict=True,
            )
    payment = build(
        Disbursement,
        voucher_no=voucher_no,
        project_id=project.id,
        project=project,
        source_id=source.id,
        source=source,
        paid_on=paid_on,
        amount=amount,
        kind=kind,
        payee=payee,
        memo=memo,
        **extra,
    )
    add(payment)
    _note_payment(payment, project, source, None)
    if kind == PaymentKind.SETTLEMENT:
        note_settlement(project, paid_on)
    record("insert", payment)
    return payment


def _note_payment(payment: Disbursement, project: Project, source: FundSource,
                  original: Disbursement | None) -> None:
    """Keep what an import session keeps current after a payment or a reversal of
    ``original``."""
    note_pair(project, source, payment.paid_on, -payment.amount)
    note_cash(source.id, payment.paid_on, -payment.amount)
    if original is not None:  # the check read (and kept) what was reversed before
        update("reversed", original.id, lambda taken: taken - payment.amount)


def _flushed(record):
    """``record`` with its id: a bulk writer flushes when it needs one (rows keep the
    order of entry, which export and the change history show)."""
    if record.id is None:
        db.session.flush()
    return record


def reversal_room(original: Disbursement) -> tuple[Decimal, Decimal]:
    """(what a payment's reversals took back so far, what may still be reversed), both
    positive: funds.queries.reversible, the taken kept within an import session (a
    payment it added has nothing reversed yet)."""
    taken = kept("reversed", original.id,
                 lambda: ZERO if is_new(original) else reversible_of(original)[0])
    return taken, (ZERO if original.reverses_id else original.amount - taken)


def _post_reversal(
    *,
    voucher_no: str,
    original: Disbursement | None,
    project: Project,
    source: FundSource,
    paid_on: dt.date,
    amount: Decimal,
    payee: str | None,
    memo: str | None,
    extra: dict,
) -> Disbursement:
    """Invariant 4: a reversal names its payment, gives a reason, is dated no earlier,
    and with earlier reversals takes back no more than was paid."""
    if original is None:
        raise Refused("冲销须填写被冲销的凭证号", "reverses")
    if not memo or not memo.strip():
        raise Refused("冲销须在摘要中写明原因", "memo")
    if amount >= 0:
        raise Refused("冲销金额须为负数", "amount")
    _check_voucher_free(voucher_no)
    if original.kind == PaymentKind.REVERSAL:
        raise Refused(f"凭证「{original.voucher_no}」本身是冲销凭证,不能再冲销", "reverses")
    if original.project_id != project.id or original.source_id != source.id:
        raise Refused(
            f"冲销凭证的项目和资金来源须与原凭证「{original.voucher_no}」一致", "reverses"
        )
    if paid_on < original.paid_on:
        raise Refused(
            f"冲销日期 {paid_on} 早于原凭证「{original.voucher_no}」的支付日期 {original.paid_on}",
            "paid_on",
        )
    lock_source(source)
    left = reversal_room(original)[1]
    if -amount > left:
        raise Refused(
            f"冲销金额超过原凭证「{original.voucher_no}」可冲销的余额 {money(left)} 元"
            + ("(已全部冲销)" if left == 0 else ""),
            "amount",
            conflict=True,
        )
    reversal = build(
        Disbursement,
        voucher_no=voucher_no,
        project_id=project.id,
        project=project,
        source_id=source.id,
        source=source,
        paid_on=paid_on,
        amount=amount,
        kind=PaymentKind.REVERSAL,
        payee=payee,
        memo=memo,
        reverses_id=_flushed(original).id,
        **extra,
    )
    add(reversal)
    _note_payment(reversal, project, source, original)
    record("reverse", reversal, before=None)
    return reversal


# --- warnings: worth a user's look, never a refusal ----------------------------------


def payment_warnings(payment: Disbursement, project: Project | None = None) -> list[str]:
    """What the field would question about a posted payment, without refusing it
    (``project``: the payment's, when the caller has it)."""
    project = project or db.session.get(Project, payment.project_id)
    threshold = kept("setting", "tender_threshold", tender_threshold)  # once per import
    return _payment_notes(project, payment, threshold, lambda: _tendered_on(project))


def project_payment_warnings(
    project: Project, payments: list[Disbursement]
) -> list[tuple[Disbursement, str]]:
    """``payment_warnings`` of many payments of one project, in a fixed number of
    statements: (payment, note) pairs, in the order of ``payments``."""
    threshold, known = tender_threshold(), []

    def tendered():  # read once, when a payment first needs it
        if not known:
            known.append(_tendered_on(project))
        return known[0]

    return [(p, note) for p in payments
            for note in _payment_notes(project, p, threshold, tendered)]


def _tendered_on(project: Project) -> dt.date | None:
    return done_date(project, MilestoneKind.TENDERED)


def _payment_notes(project: Project, payment: Disbursement, threshold: Decimal,
                   tendered: Callable[[], dt.date | None]) -> list[str]:
    """A payment before 招标完成 on a project above the tendering threshold."""
    notes = []
    if payment.kind != PaymentKind.REVERSAL and project.total_investment > threshold:
        done = tendered()
        if done is None or done > payment.paid_on:
            notes.append(
                f"项目总投资 {money(project.total_investment)} 元超过招标限额 "
                f"{money(threshold)} 元,支付时尚未完成招标"
            )
    return notes


def arrival_warnings(arrival: FundArrival, source: FundSource | None = None, *,
                     arrived_so_far: Decimal | None = None) -> list[str]:
    """What the field questions about an arrival (never a refusal): money arriving before
    its issuing date, and arrivals adding up to more than the channel issued.
    ``arrived_so_far`` is Σ the channel's arrivals up to and including this one, in date
    order, when the caller has it (a page listing them, the importer); else it is read."""
    source = source or db.session.get(FundSource, arrival.source_id)
    out = []
    if source.issued_on and arrival.arrived_on < source.issued_on:
        out.append(f"到位日期 {arrival.arrived_on} 早于下达日期 {source.issued_on}")
    if arrived_so_far is None:
        arrived_so_far = arrived_up_to(arrival)
    if arrived_so_far > source.amount_issued:
        out.append(f"累计到位 {money(arrived_so_far)} 元,超过下达金额 "
                   f"{money(source.amount_issued)} 元(请核对到位金额或下达金额)")
    return out


def arrived_total(source: FundSource) -> Decimal:
    """Σ every arrival of the channel the database holds."""
    return sum_of(FundArrival.amount, FundArrival.source_id == source.id)


def arrived_up_to(arrival: FundArrival) -> Decimal:
    """Σ the channel's arrivals dated before this one, or the same day and entered no
    later (one statement)."""
    db.session.flush()
    earlier = or_(FundArrival.arrived_on < arrival.arrived_on,
                  and_(FundArrival.arrived_on == arrival.arrived_on,
                       FundArrival.id <= arrival.id))
    return sum_of(FundArrival.amount, FundArrival.source_id == arrival.source_id, earlier)
