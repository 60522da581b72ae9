"""The demo county, planned in memory: no database here, only a seeded ``Random``.

``build_plan`` decides every project, milestone date, allocation and payment, keeping to
the rules the services will check (allocations within what a channel issued, payments
within their allocation and within the money arrived by their date, settlements after
acceptance). ``loader`` then enters the plan through the services.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from random import Random

from ..enums import MilestoneKind, PaymentKind
from . import data
from .data import DEMO_TODAY, DEMO_YEAR, ProjectType

M = MilestoneKind
WAN = Decimal(10000)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

#: How far along a project is (its last milestone done), with how often it happens.
STAGE_WEIGHTS = (
    (M.APPROVED, 7), (M.DESIGNED, 6), (M.REVIEWED, 6), (M.TENDERED, 5),
    (M.STARTED, 25), (M.COMPLETED, 17), (M.ACCEPTED, 19), (M.SETTLED, 15),
)
#: Most projects enter the registry (立项入库) by the end of the first quarter.
EARLY_ENTRY = dt.date(DEMO_YEAR, 3, 31)
#: The channel issued late in the year, for projects not yet started (以工代赈).
LATE_CHANNEL = "ZY2026-03"
#: Share of projects whose next milestone is already past its planned date.
OVERDUE_SHARE = 0.28


@dataclass
class PlannedMilestone:
    kind: MilestoneKind
    planned_on: dt.date
    done_on: dt.date | None = None
    note: str | None = None


@dataclass
class PlannedAllocation:
    source_code: str
    amount: Decimal
    allocated_on: dt.date
    document_no: str


@dataclass
class PlannedProject:
    name: str
    ptype: ProjectType
    township: str
    village: str | None
    unit: str
    responsible_person: str
    phone: str
    scope: str
    total_investment: Decimal
    priority: bool
    payee: str
    code: str = ""
    stage: MilestoneKind = M.APPROVED
    milestones: dict[MilestoneKind, PlannedMilestone] = field(default_factory=dict)
    allocations: list[PlannedAllocation] = field(default_factory=list)

    def done(self, kind: MilestoneKind) -> dt.date | None:
        m = self.milestones.get(kind)
        return m.done_on if m else None

    def allocated(self, source_code: str) -> Decimal:
        return sum((a.amount for a in self.allocations if a.source_code == source_code),
                   Decimal(0))

    @property
    def tendered(self) -> bool:
        return self.ptype.tender and self.total_investment > data.TENDER_THRESHOLD_WAN * WAN


@dataclass
class PlannedPayment:
    project: PlannedProject
    source_code: str
    paid_on: dt.date
    amount: Decimal
    kind: PaymentKind
    payee: str
    memo: str
    voucher_no: str = ""
    #: The voucher this reversal takes back.
    reverses: str | None = None
    #: "duplicate" or "wrong_payee": a slip the demo makes and then corrects by reversal.
    slip: str | None = None


@dataclass
class Plan:
    projects: list[PlannedProject]
    payments: list[PlannedPayment]
    #: Reductions (调减), entered after the allocations: (project, allocation).
    reductions: list[tuple[PlannedProject, PlannedAllocation]]


def hundreds(amount: Decimal) -> Decimal:
    """The amount rounded down to whole hundreds of yuan."""
    return (amount / HUNDRED).quantize(Decimal(1), rounding=ROUND_DOWN) * HUNDRED


def between(rng: Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A day from lo to hi (lo when hi is earlier)."""
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# --- people and projects -----------------------------------------------------------------


class People:
    """Two or three staff per unit, each with a phone (mobile, or the office landline)."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.staff: dict[str, list[tuple[str, str]]] = {}

    def _person(self) -> tuple[str, str]:
        rng = self.rng
        name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)
        if rng.random() < 0.75:
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        else:
            phone = f"{data.AREA_CODE}-{rng.randrange(2000000, 8000000)}"
        return name, phone

    def pick(self, unit: str) -> tuple[str, str]:
        if unit not in self.staff:
            self.staff[unit] = [self._person() for _ in range(self.rng.randint(2, 3))]
        return self.rng.choice(self.staff[unit])


def _investment(rng: Random, ptype: ProjectType) -> Decimal:
    lo, hi = ptype.wan
    wan = lo * (hi / lo) ** (rng.random() ** 1.3)  # many small projects, a few large
    return hundreds(Decimal(wan) * WAN)


def _project(rng, people, ptype, township, village, taken) -> PlannedProject:
    villages = data.TOWNSHIPS[township]
    others = [v for v in villages if v != village]
    name = ptype.name.format(
        village=village, township=township, other=rng.choice(others),
        product=rng.choice(data.PRODUCTS), animal=rng.choice(data.ANIMALS),
    )
    for suffix in ("(二期)", "(三期)", "(四期)"):
        if name not in taken:
            break
        name = name.split("(")[0] + suffix
    taken.add(name)
    product = next((p for p in data.PRODUCTS if p in name), "")
    investment = _investment(rng, ptype)
    unit = f"{township}人民政府" if ptype.unit == data.TOWNSHIP_GOV else ptype.unit
    person, phone = people.pick(unit)
    payee = rng.choice(data.PAYEES[ptype.payee]).format(township=township)
    return PlannedProject(
        name=name, ptype=ptype, township=township, village=village, unit=unit,
        responsible_person=person, phone=phone,
        scope=ptype.scope(rng, float(investment / WAN), product),
        total_investment=investment, priority=village in data.PRIORITY_VILLAGES,
        payee=payee,
    )


def plan_projects(rng: Random) -> list[PlannedProject]:
    """Township-wide projects first, then village projects up to PROJECT_COUNT, numbered
    township by township."""
    people = People(rng)
    taken: set[str] = set()
    projects = []
    township_types = [t for t in data.PROJECT_TYPES if not t.village_level]
    village_types = [t for t in data.PROJECT_TYPES if t.village_level]
    for township in data.TOWNSHIPS:
        for ptype in township_types:
            if rng.random() < 0.7:
                projects.append(_project(rng, people, ptype, township, None, taken))
    places = [(t, v) for t, vs in data.TOWNSHIPS.items() for v in vs]
    place_weights = [1.6 if v in data.PRIORITY_VILLAGES else 1.0 for _, v in places]
    while len(projects) < data.PROJECT_COUNT:
        ptype = rng.choices(village_types, [t.weight for t in village_types])[0]
        township, village = rng.choices(places, place_weights)[0]
        projects.append(_project(rng, people, ptype, township, village, taken))
    order = list(data.TOWNSHIPS)
    projects.sort(key=lambda p: order.index(p.township))
    for i, p in enumerate(projects, 1):
        p.code = f"XM{DEMO_YEAR}-{i:03d}"
    return projects


# --- milestones: back-scheduled from the deadline ----------------------------------------


def _gaps(rng: Random, project: PlannedProject) -> list[tuple[MilestoneKind, int]]:
    """Each milestone kind the project has, with days after the previous one."""
    wan = float(project.total_investment / WAN)
    if project.ptype.construction:
        build = int(min(160, 25 + wan * 0.4)) + rng.randint(0, 20)
    else:
        build = rng.randint(30, 90)
    gaps = [(M.APPROVED, 0), (M.DESIGNED, rng.randint(15, 40)), (M.REVIEWED, rng.randint(7, 20))]
    if project.tendered:
        gaps += [(M.TENDERED, rng.randint(20, 35)), (M.STARTED, rng.randint(5, 15))]
    else:
        gaps += [(M.STARTED, rng.randint(7, 20))]
    gaps += [(M.COMPLETED, build), (M.ACCEPTED, rng.randint(10, 30)),
             (M.SETTLED, rng.randint(10, 30))]
    return gaps


def _stage(rng: Random, project: PlannedProject) -> MilestoneKind:
    stage = rng.choices([s for s, _ in STAGE_WEIGHTS], [w for _, w in STAGE_WEIGHTS])[0]
    if stage == M.TENDERED and not project.tendered:
        return M.REVIEWED
    return stage


def _done_note(rng: Random, project: PlannedProject, kind: MilestoneKind) -> str | None:
    if kind == M.TENDERED:
        if project.ptype.construction:
            return f"公开招标,中标单位:{project.payee}"
        return f"竞争性磋商,成交供应商:{project.payee}"
    notes = data.DONE_NOTES.get(kind.label)
    return rng.choice(notes) if notes and rng.random() < 0.4 else None


def plan_milestones(rng: Random, project: PlannedProject) -> None:
    """Planned dates for every milestone, laid back from the deadline (倒排工期) and placed
    so that the stage the project has reached lies in the past and its next milestone is
    due soon, or already late; actual dates, never going backwards, up to the stage."""
    gaps = _gaps(rng, project)
    kinds = [k for k, _ in gaps]
    offsets, total = [], 0
    for _, gap in gaps:
        total += gap
        offsets.append(total)
    project.stage = stage = _stage(rng, project)
    anchor = kinds.index(stage)  # the stage's own planned date is fixed first
    if stage == M.SETTLED:
        ago = rng.randint(5, 110)
    else:
        gap_next = offsets[anchor + 1] - offsets[anchor]
        if rng.random() < OVERDUE_SHARE:  # the next milestone is already late
            ago = gap_next + rng.randint(3, 60)
        else:
            ago = rng.randint(3, max(3, gap_next - 3))
    anchor_on = DEMO_TODAY - days(ago)
    earliest = data.REGISTRY_OPENS + days(rng.randint(0, 30))
    start = anchor_on - days(offsets[anchor])
    if start < earliest:  # compress the schedule up to the stage into the year
        factor = (anchor_on - earliest).days / offsets[anchor]
        offsets = [round(o * factor) if i <= anchor else o - offsets[anchor]
                   + round(offsets[anchor] * factor) for i, o in enumerate(offsets)]
        start = earliest
    if start > EARLY_ENTRY and rng.random() < 0.7:  # entered the registry early in the year
        offsets[0] = -(start - between(rng, data.REGISTRY_OPENS, EARLY_ENTRY)).days
    slow = rng.random() < 0.2
    previous = None
    for kind, offset in zip(kinds, offsets, strict=True):
        planned = start + days(offset)
        m = project.milestones[kind] = PlannedMilestone(kind, planned)
        if kind.value > stage.value:
            continue
        delay = 0 if kind == M.APPROVED else rng.randint(0, 25) if slow else rng.randint(-3, 7)
        done = planned + days(delay)
        if done > DEMO_TODAY:  # ahead of schedule
            done = DEMO_TODAY - days(rng.randint(0, 10))
        m.done_on = done if previous is None else max(previous, done)
        m.note = _done_note(rng, project, kind)
        previous = m.done_on
    for m in project.milestones.values():
        if m.done_on is None and m.planned_on < DEMO_TODAY:
            m.note = rng.choice(data.DELAY_NOTES)
            break


# --- allocations --------------------------------------------------------------------------


class Channels:
    """What each channel has left to allocate, planned up to SOURCE_CAP of its issue."""

    def __init__(self):
        self.spec = {s.code: s for s in data.SOURCES}
        cap = Decimal(data.SOURCE_CAP)
        self.room = {s.code: s.amount_wan * WAN * cap for s in data.SOURCES}

    def _fits(self, code: str, project: PlannedProject) -> bool:
        """Issued in time for the project's start; with nothing arrived, only for a
        project not yet started."""
        start = project.milestones[M.STARTED]
        spec = self.spec[code]
        return (spec.issued_on + days(7) <= (start.done_on or start.planned_on)
                and bool(spec.arrivals or start.done_on is None))

    def candidates(self, rng: Random, project: PlannedProject) -> list[str]:
        """The project type's channels that fit, roughly in order of preference (the late
        以工代赈 money first, for late projects), then any pooled channel with room
        (统筹整合: pooled money may go to any project in the plan)."""
        preferred = project.ptype.channels
        own = sorted(
            (c for c in preferred if self._fits(c, project)),
            key=lambda c: preferred.index(c) + rng.uniform(0, 2.2) - 5 * (c == LATE_CHANNEL),
        )
        pooled = sorted((c for c in self.spec if c not in own and self._fits(c, project)),
                        key=lambda c: -self.room[c])
        return own + pooled

    def take(self, code: str, amount: Decimal) -> Decimal:
        """Up to ``amount`` of the channel's room, in hundreds of yuan."""
        got = hundreds(min(amount, self.room[code]))
        got = got if got >= 5000 else Decimal(0)
        self.room[code] -= got
        return got


def _allocation_doc(on: dt.date) -> str:
    return f"示乡振组〔{DEMO_YEAR}〕{on.month * 2 + 3}号"


def plan_allocations(rng: Random, project: PlannedProject, channels: Channels) -> None:
    """One to three channels, together most or all of the total investment."""
    share = 1.0 if rng.random() < 0.45 else rng.uniform(0.6, 0.95)
    target = hundreds(project.total_investment * Decimal(str(round(share, 3))))
    candidates = channels.candidates(rng, project)
    count = rng.choices((1, 2, 3), (50, 35, 15))[0]
    parts = [rng.uniform(0.5, 1.0) for _ in range(count)]
    approved = project.done(M.APPROVED)
    start = project.milestones[M.STARTED]
    latest = min(start.done_on or start.planned_on, DEMO_TODAY)
    left = target
    for code in candidates:
        i = len(project.allocations)
        if left <= 0 or i == 3:
            break
        want = left if i >= count - 1 else hundreds(target * Decimal(parts[i] / sum(parts)))
        got = channels.take(code, want)
        if not got:
            continue
        left -= got
        base = max(channels.spec[code].issued_on, approved)
        on = min(base + days(rng.randint(3, 15)), max(base + days(1), latest), DEMO_TODAY)
        project.allocations.append(PlannedAllocation(code, got, on, _allocation_doc(on)))


def plan_reductions(rng: Random, projects: list[PlannedProject]):
    """调减: two settlements audited below budget, one project scaled down."""
    reductions = []
    audited = [p for p in projects if p.stage == M.SETTLED and p.allocations
               and p.allocations[0].amount >= 200000]
    for p in rng.sample(audited, 2):
        first = p.allocations[0]
        cut = hundreds(first.amount * Decimal("0.06"))
        on = min(p.done(M.ACCEPTED) + days(rng.randint(1, 5)), DEMO_TODAY)
        reductions.append((p, PlannedAllocation(first.source_code, -cut, on, _allocation_doc(on))))
    scaled = [p for p in projects if p.stage in (M.DESIGNED, M.REVIEWED) and p.allocations]
    p = rng.choice(scaled)
    first = p.allocations[0]
    cut = hundreds(first.amount * Decimal("0.3"))
    on = min(first.allocated_on + days(rng.randint(20, 60)), DEMO_TODAY)
    reductions.append((p, PlannedAllocation(first.source_code, -cut, on, _allocation_doc(on))))
    for p, reduction in reductions:
        p.allocations.append(reduction)
    return reductions


# --- payments ---------------------------------------------------------------------------


def _steps(rng: Random, project: PlannedProject, start_lo: dt.date):
    """(date, cumulative share, kind, memo) of a project's payments up to today."""
    stage, done = project.stage, project.done
    completed, accepted, settled = done(M.COMPLETED), done(M.ACCEPTED), done(M.SETTLED)
    steps = []
    if project.ptype.construction:
        steps.append((between(rng, start_lo, start_lo + days(10)), 0.3,
                      PaymentKind.ADVANCE, "按合同支付预付款"))
        if stage == M.STARTED and (DEMO_TODAY - start_lo).days > 40 and rng.random() < 0.7:
            steps.append((between(rng, start_lo + days(30), DEMO_TODAY),
                          rng.uniform(0.45, 0.6), PaymentKind.PROGRESS, "按工程进度支付进度款"))
        if completed:
            steps.append((between(rng, start_lo + days(20), completed), 0.6,
                          PaymentKind.PROGRESS, "按工程进度支付进度款"))
        if accepted and stage != M.SETTLED and rng.random() < 0.6:
            steps.append((between(rng, completed, accepted), 0.8,
                          PaymentKind.PROGRESS, "工程完工,支付至合同价的80%"))
        keep = 0.97 if project.total_investment > 100000 else 1.0
    else:
        steps.append((between(rng, start_lo + days(5), start_lo + days(30)), 0.5,
                      PaymentKind.PROGRESS, "拨付第一批项目资金"))
        if completed:
            steps.append((between(rng, start_lo + days(20), completed), 0.8,
                          PaymentKind.PROGRESS, "拨付第二批项目资金"))
        keep = 1.0
    if settled:
        steps.append((between(rng, accepted, settled), keep,
                      PaymentKind.SETTLEMENT, "验收合格,按审定结算价支付结算款"))
        if keep < 1 and accepted + days(60) <= DEMO_TODAY and rng.random() < 0.35:
            steps.append((between(rng, accepted + days(60), DEMO_TODAY), 1.0,
                          PaymentKind.RETENTION, "质保期满,经复查无质量问题,支付质保金"))
    steps = [s for s in steps if s[0] <= DEMO_TODAY]
    for i in range(1, len(steps)):  # a later step is never dated before an earlier one
        if steps[i][0] < steps[i - 1][0]:
            steps[i] = (steps[i - 1][0],) + steps[i][1:]
    return steps


def plan_project_payments(rng: Random, project: PlannedProject) -> list[PlannedPayment]:
    start = project.done(M.STARTED)
    if start is None:
        return []
    payments = []
    for code in dict.fromkeys(a.source_code for a in project.allocations):
        net = project.allocated(code)
        allocated_on = min(a.allocated_on for a in project.allocations if a.source_code == code)
        paid = Decimal(0)
        for on, share, kind, memo in _steps(rng, project, max(start, allocated_on)):
            amount = (net * Decimal(str(share))).quantize(CENT) - paid
            if amount > 0:
                payments.append(PlannedPayment(project, code, on, amount, kind,
                                               project.payee, memo))
                paid += amount
    return payments


def _mark_slips(rng: Random, payments: list[PlannedPayment]) -> None:
    """Two payments entered twice and one with the wrong payee, each reversed later."""
    early = DEMO_TODAY - days(20)
    last_of_pair = {(p.project.code, p.source_code): p for p in payments}
    candidates = [p for p in last_of_pair.values()
                  if p.kind == PaymentKind.PROGRESS and p.project.stage == M.STARTED
                  and p.project.ptype.construction and p.paid_on <= early]
    for p, slip in zip(rng.sample(candidates, 3), ("duplicate", "duplicate", "wrong_payee"),
                       strict=True):
        p.slip = slip


class Cash:
    """Each channel's arrived money, and what has been paid from it so far."""

    def __init__(self):
        self.arrivals = {
            s.code: sorted((on, wan * WAN) for on, wan, _ in s.arrivals) for s in data.SOURCES
        }
        self.spent = {s.code: Decimal(0) for s in data.SOURCES}

    def arrived_by(self, code: str, on: dt.date) -> Decimal:
        return sum((amount for day, amount in self.arrivals[code] if day <= on), Decimal(0))

    def available(self, code: str, on: dt.date) -> Decimal:
        return self.arrived_by(code, on) - self.spent[code]

    def next_date_covering(self, code: str, on: dt.date, amount: Decimal) -> dt.date | None:
        for day, _ in self.arrivals[code]:
            if on < day <= DEMO_TODAY and self.available(code, day) >= amount:
                return day
        return None


def schedule_payments(rng: Random, planned: list[PlannedPayment]) -> list[PlannedPayment]:
    """Walk the payments by date, as the finance bureau would enter them: a payment the
    arrived money cannot cover waits for the next tranche (or is cut to what is there);
    slips are entered and reversed. Vouchers are numbered in date order."""
    cash = Cash()
    queue = [(p.paid_on, i, p) for i, p in enumerate(planned)]
    heapq.heapify(queue)
    seq = len(queue)
    posted: list[PlannedPayment] = []

    def push(p: PlannedPayment) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(queue, (p.paid_on, seq, p))

    def post(p: PlannedPayment) -> None:
        p.voucher_no = f"{DEMO_YEAR}-{len(posted) + 1:04d}"
        cash.spent[p.source_code] += p.amount
        posted.append(p)

    def reversal(of: PlannedPayment, on: dt.date, memo: str) -> PlannedPayment:
        return PlannedPayment(of.project, of.source_code, on, -of.amount, PaymentKind.REVERSAL,
                              of.payee, memo, reverses=of.voucher_no)

    while queue:
        on, _, p = heapq.heappop(queue)
        if p.kind == PaymentKind.REVERSAL:
            post(p)
            continue
        if p.amount > cash.available(p.source_code, on):
            later = cash.next_date_covering(p.source_code, on, p.amount)
            if later is not None:
                p.paid_on = later
                push(p)
                continue
            p.amount = max(Decimal(0), cash.available(p.source_code, on))
            if p.amount < 1000:
                continue
        if p.slip == "wrong_payee":
            right = p.payee
            group = data.PAYEES[p.project.ptype.payee]
            p.payee = rng.choice([x for x in group if x != right] or data.PAYEES["building"])
            post(p)
            fix_on = on + days(rng.randint(2, 6))
            push(reversal(p, fix_on, data.WRONG_PAYEE_MEMO))
            push(PlannedPayment(p.project, p.source_code, fix_on, p.amount, p.kind, right,
                                p.memo))
            continue
        post(p)
        if p.slip == "duplicate" and p.amount <= cash.available(p.source_code, on):
            twin = PlannedPayment(p.project, p.source_code, on, p.amount, p.kind, p.payee,
                                  p.memo)
            post(twin)
            push(reversal(twin, on + days(rng.randint(3, 12)), data.DUPLICATE_MEMO))
    return posted


def build_plan(rng: Random) -> Plan:
    projects = plan_projects(rng)
    for p in projects:
        plan_milestones(rng, p)
    channels = Channels()
    # Large projects first, so that small ones fill what is left.
    for p in sorted(projects, key=lambda p: -p.total_investment):
        plan_allocations(rng, p, channels)
    reductions = plan_reductions(rng, projects)
    planned = [pay for p in projects for pay in plan_project_payments(rng, p)]
    _mark_slips(rng, planned)
    return Plan(projects, schedule_payments(rng, planned), reductions)
