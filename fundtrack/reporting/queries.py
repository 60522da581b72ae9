"""The read side of reporting upward: the roll-up of a month (each region's latest
package, the total as their exact sum), the packages received, the regions."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..money import rate
from ..periods.service import parse_month
from .models import Region, ReportPackage

AMOUNTS = ("amount_issued", "arrived", "spent", "recovered")
COUNTS = ("projects", "started", "completed", "overdue_count")


def _figures(head: dict, values: dict) -> dict:
    return {
        **head,
        **{k: values[k] for k in (*AMOUNTS, *COUNTS)},
        "spending_rate": rate(values["spent"], values["arrived"]),
        "start_rate": rate(Decimal(values["started"]), Decimal(values["projects"])),
    }


def rollup(month_text: str | None) -> dict:
    """One row per region with a package for the month (its latest), by region name;
    the total is the exact sum of the rows, its rates computed from the summed amounts.
    Two statements whatever the number of regions."""
    month, ends_on = parse_month(month_text)
    latest = (select(func.max(ReportPackage.id)).where(ReportPackage.month == month)
              .group_by(ReportPackage.region))
    packages = db.session.scalars(
        select(ReportPackage).where(ReportPackage.id.in_(latest))
        .order_by(ReportPackage.region)
    ).all()
    counts = dict(db.session.execute(
        select(ReportPackage.region, func.count()).where(ReportPackage.month == month)
        .group_by(ReportPackage.region)
    ).all())
    rows = [_figures({"region": p.region, "level": p.level, "received_at": p.received_at,
                      "received_by": p.received_by, "digest": p.digest, "id": p.id,
                      "versions": counts.get(p.region, 1)},
                     {k: getattr(p, k) for k in (*AMOUNTS, *COUNTS)})
            for p in packages]
    total = _figures({"region": "合计"}, {
        **{k: sum((r[k] for r in rows), Decimal("0.00")) for k in AMOUNTS},
        **{k: sum(r[k] for r in rows) for k in COUNTS},
    })
    return {"region": current_app.config["FUNDTRACK_REGION"], "month": month,
            "ends_on": ends_on, "rows": rows, "total": total}


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def missing(month_text: str | None, rows: list[dict]) -> list[str]:
    """Registered regions with no package for the month."""
    have = {r["region"] for r in rows}
    return [r.name for r in regions() if r.name not in have]


def received(month: str | None = None, region: str | None = None) -> list[ReportPackage]:
    """Every package received, newest first (optionally of one month, one region)."""
    stmt = select(ReportPackage).order_by(ReportPackage.id.desc())
    if month:
        stmt = stmt.where(ReportPackage.month == month)
    if region:
        stmt = stmt.where(ReportPackage.region == region)
    return list(db.session.scalars(stmt.limit(500)))


def package(package_id: int) -> ReportPackage | None:
    return db.session.get(ReportPackage, package_id)
