"""A synthetic but realistic ledger, deterministic by seed.

Per county: ~25 townships of ~12 villages each, a dozen county bureaus besides the
township governments, 3,000 projects over five years (2021-2025), 40 channels with
quarterly arrivals, one to three allocations per project within what a channel issued,
eight milestones per project in order (some late, the recent ones unfinished), about ten
payments per project within its allocation and the channel's arrived cash at every date,
settlements only after acceptance, and a few reversals. A city is ten counties, a province
a hundred: every figure grows with the number of counties.

Rows are plain dicts keyed by column name, with ids assigned here (1, 2, ...), so that the
loader can insert them in bulk without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from fundtrack.enums import FundCategory, Level, MilestoneKind, PaymentKind

#: Projects per county and the counties of each scale.
PROJECTS_PER_COUNTY = 3000
CHANNELS_PER_COUNTY = 40
SCALES = {"tiny": 0.02, "county": 1, "county_real": 1, "city": 10, "province": 100}
#: The county of issue 21, shaped like a real one (2,870 projects, 7,370 payments, 22,384
#: milestones): its projects paid in two or three payments, not ten.
REAL_COUNTY = {"projects": 2870, "payments": (1, 2), "settled": 0.2}
YEARS = (2021, 2022, 2023, 2024, 2025)
#: The as-of date every figure is measured at.
AS_OF = dt.date(2025, 6, 30)
LAST_DAY = dt.date(2025, 12, 31)

BUREAUS = ("交通运输局", "水利局", "农业农村局", "住建局", "乡村振兴局", "自然资源局",
           "林业局", "教育局", "人社局", "商务局", "文旅局", "发改委")
CATEGORIES = ("基础设施", "产业发展", "饮水安全", "危房改造", "就业培训", "易地搬迁")
WORKS = ("村组道路硬化", "安全饮水巩固提升", "产业基地建设", "危房改造", "技能培训",
         "灌溉渠道维修", "光伏电站", "桥梁建设", "人居环境整治", "冷链仓储")
SUFFIX = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass
class Ledger:
    units: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    arrivals: list[dict] = field(default_factory=list)
    allocations: list[dict] = field(default_factory=list)
    disbursements: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def generate(scale: str | float, seed: int = 2026) -> Ledger:
    factor = SCALES[scale] if isinstance(scale, str) else scale
    counties = max(1, int(factor)) if factor >= 1 else 1
    per_county = int(PROJECTS_PER_COUNTY * min(factor, 1))
    shape = {"payments": (3, 9), "settled": 1.0}
    if scale == "county_real":
        per_county, shape = REAL_COUNTY["projects"], REAL_COUNTY
    channels = max(len(YEARS), int(CHANNELS_PER_COUNTY * min(factor, 1)))
    rng = random.Random(seed)
    led = Ledger()
    for c in range(counties):
        _county(led, rng, c, per_county, channels, shape)
    return led


def _county(led: Ledger, rng: random.Random, c: int, n_projects: int, n_channels: int,
            shape: dict):
    county = f"县{c + 1:03d}"
    townships = [f"{county}{SUFFIX[t % 10]}{t // 10 + 1}镇" for t in range(25)]
    unit_ids = []
    for name in [f"{county}{b}" for b in BUREAUS] + [f"{t}人民政府" for t in townships]:
        led.units.append({"id": len(led.units) + 1, "name": name})
        unit_ids.append(len(led.units))

    # channels: each belongs to a year, issued once the allocations are known
    sources = []
    for k in range(n_channels):
        sid = len(led.sources) + 1
        year = YEARS[k % len(YEARS)]
        level = (Level.CENTRAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY)[k % 4]
        src = {
            "id": sid, "code": f"ZJ{c + 1:03d}{k + 1:04d}",
            "name": f"{year}年{level.label}衔接推进乡村振兴补助资金({SUFFIX[k % 10]})",
            "level": level, "category": (FundCategory.POVERTY, FundCategory.INTEGRATED,
                                         FundCategory.EAST_WEST)[k % 3],
            "year": year, "document_no": f"财农〔{year}〕{k + 10}号",
            "amount_issued": None, "issued_on": dt.date(year, 1, 1 + k % 20),
        }
        led.sources.append(src)
        sources.append(src)
    by_year = {y: [s for s in sources if s["year"] == y] for y in YEARS}
    allocated = {s["id"]: 0 for s in sources}
    paid: dict[int, list[tuple[dt.date, int]]] = {s["id"]: [] for s in sources}

    for i in range(n_projects):
        pid = len(led.projects) + 1
        year = YEARS[i * len(YEARS) // n_projects]
        t = rng.randrange(len(townships))
        invest = rng.choice((5, 8, 12, 20, 30, 50, 80, 120, 200, 400)) * 10_000_00
        invest += rng.randrange(0, 1000) * 100  # fen
        led.projects.append({
            "id": pid, "code": f"XM{c + 1:03d}{year}{i + 1:05d}",
            "name": f"{townships[t]}{SUFFIX[rng.randrange(10)]}村{rng.choice(WORKS)}项目",
            "year": year, "category": rng.choice(CATEGORIES), "township": townships[t],
            "village": f"{SUFFIX[rng.randrange(10)]}{rng.randrange(1, 3)}村",
            "unit_id": rng.choice(unit_ids), "responsible_person": f"负责人{i % 97:02d}",
            "phone": f"0396{rng.randrange(10**7):07d}", "scope": "建设内容详见实施方案",
            "total_investment": _yuan(invest), "priority": rng.random() < 0.6,
        })
        done = _milestones(led, rng, pid, year)
        accepted = done.get(MilestoneKind.ACCEPTED)
        started = done.get(MilestoneKind.STARTED)
        # one to three channels of the project's year pay for ~90% of the investment
        pool = by_year[year]
        chosen = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 2, 3))))
        budget = invest * 9 // 10
        for n, src in enumerate(chosen):
            share = budget // len(chosen) if n < len(chosen) - 1 else budget - (
                budget // len(chosen)) * (len(chosen) - 1)
            allocated[src["id"]] += share
            led.allocations.append({
                "id": len(led.allocations) + 1, "project_id": pid, "source_id": src["id"],
                "amount": _yuan(share), "document_no": f"{src['document_no']}附{pid}",
                "allocated_on": dt.date(year, 2, 1) if rng.random() < 0.8 else None,
            })
            if started is not None:
                _payments(led, rng, pid, src["id"], share, started, accepted, paid, shape)

    for src in sources:
        _arrivals(led, rng, src, paid[src["id"]], allocated[src["id"]])


def _milestones(led, rng, pid, year) -> dict:
    """Eight milestones planned in order through the project's year; those of past years
    are done (a few late), this year's partly."""
    planned = dt.date(year, 1, 10)
    done_before = dt.date(year, 1, 5)
    recent = year >= 2025 or (year == 2024 and rng.random() < 0.3)
    stop = rng.randrange(2, 9) if recent else (9 if rng.random() < 0.9 else rng.randrange(5, 9))
    done = {}
    for kind in MilestoneKind:
        planned = planned + dt.timedelta(days=rng.randint(10, 45))
        done_on = None
        if kind.value < stop:
            done_on = max(done_before, planned + dt.timedelta(days=rng.randint(-5, 20)))
            if done_on > LAST_DAY:
                done_on = None
        if done_on is not None:
            done_before = done_on
            done[kind] = done_on
        else:
            stop = min(stop, kind.value)
        led.milestones.append({
            "id": len(led.milestones) + 1, "project_id": pid, "kind": kind,
            "planned_on": planned, "done_on": done_on,
            "note": "按计划推进" if done_on else None,
        })
    return done


def _payments(led, rng, pid, sid, share, started, accepted, paid, shape):
    """About ten payments per project within the pair's allocation (``shape``: payments
    per pair before the settlement, and the share of accepted pairs settled): an advance,
    progress payments, after acceptance a settlement and a retention; now and then a
    reversal."""
    n = rng.randint(*shape["payments"])
    end = accepted or min(started + dt.timedelta(days=200), LAST_DAY)
    left = share * (95 if accepted else 70) // 100
    plan = [(PaymentKind.ADVANCE, started)] + [
        (PaymentKind.PROGRESS, _day(rng, started, end)) for _ in range(n - 1)]
    if accepted and (shape["settled"] >= 1 or rng.random() < shape["settled"]):
        plan.append((PaymentKind.SETTLEMENT, _day(rng, accepted, accepted + dt.timedelta(30))))
    plan.sort(key=lambda x: x[1])
    for j, (kind, day) in enumerate(plan):
        amount = left // (len(plan) - j) if j < len(plan) - 1 else left
        if amount <= 0:
            continue
        left -= amount
        did = len(led.disbursements) + 1
        led.disbursements.append({
            "id": did, "voucher_no": f"PZ{did:09d}", "project_id": pid, "source_id": sid,
            "paid_on": day, "amount": _yuan(amount), "kind": kind,
            "payee": f"施工单位{pid % 211:03d}", "reverses_id": None,
            "memo": f"{kind.label}",
        })
        paid[sid].append((day, amount))
        if rng.random() < 0.03:  # a wrong amount taken back, partly or whole
            back = amount if rng.random() < 0.5 else amount // 3 or amount
            rid = did + 1
            rday = day + dt.timedelta(days=rng.randint(0, 20))
            led.disbursements.append({
                "id": rid, "voucher_no": f"PZ{rid:09d}", "project_id": pid, "source_id": sid,
                "paid_on": rday, "amount": _yuan(-back), "kind": PaymentKind.REVERSAL,
                "payee": None, "reverses_id": did, "memo": "金额录入有误,红字冲回",
            })
            # a reversal only adds cash back; it is not counted when arrivals are sized


def _arrivals(led, rng, src, payments, allocated):
    """Quarterly arrivals, each covering at least the payments until the next one, so the
    channel never pays ahead of its money; the amount issued covers everything."""
    year = src["year"]
    dates = [dt.date(year, 1, 20), dt.date(year, 4, 1), dt.date(year, 7, 1),
             dt.date(year, 10, 1)]
    payments.sort()
    cover = 0
    arrived = 0
    for k, day in enumerate(dates):
        nxt = dates[k + 1] if k + 1 < len(dates) else dt.date(9999, 1, 1)
        if k == 0:
            day = min(day, payments[0][0]) if payments else day
        due = sum(a for d, a in payments if d < nxt)
        target = max(due, allocated * (k + 1) * 22 // 100)
        amount = target - arrived
        if amount <= 0:
            continue
        arrived += amount
        cover = max(cover, due)
        led.arrivals.append({
            "id": len(led.arrivals) + 1, "source_id": src["id"], "arrived_on": day,
            "amount": _yuan(amount), "note": f"第{k + 1}批",
        })
    issued = max(allocated, arrived) + allocated // 20
    src["amount_issued"] = _yuan(max(issued, 100))
