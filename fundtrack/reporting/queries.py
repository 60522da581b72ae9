"""The read side of reporting upward: the roll-up of a month (each region's latest
package, the total as their exact sum), the packages received, the regions."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..extensions import db
from ..money import rate
from ..periods.service import parse_month
from .models import Region, ReportPackage, ReportReturn

#: A package's status at the collecting instance.
RECEIVED, RETURNED, SUPERSEDED = "已接收", "已退回", "已更正"

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
    One statement whatever the number of regions."""
    month, ends_on = parse_month(month_text)
    per_region = (
        select(func.max(ReportPackage.id).label("id"), func.count().label("versions"))
        .where(ReportPackage.month == month).group_by(ReportPackage.region).subquery()
    )
    P, R = ReportPackage, ReportReturn
    packages = db.session.execute(
        select(P.id, P.region, P.level, P.received_at, P.received_by, P.digest,
               *(getattr(P, k) for k in (*AMOUNTS, *COUNTS)), per_region.c.versions,
               R.note.label("returned_note"), R.returned_at, R.returned_by)
        .join(per_region, per_region.c.id == P.id)
        .outerjoin(R, R.package_id == P.id)
        .order_by(P.region)
    ).all()
    rows = [_figures({"region": p.region, "level": p.level, "received_at": p.received_at,
                      "received_by": p.received_by, "digest": p.digest, "id": p.id,
                      "versions": p.versions, "status": RETURNED if p.returned_at else RECEIVED,
                      "returned": {"note": p.returned_note, "returned_at": p.returned_at,
                                   "returned_by": p.returned_by} if p.returned_at else None},
                     {k: getattr(p, k) for k in (*AMOUNTS, *COUNTS)})
            for p in packages]
    total = _figures({"region": "合计"}, {
        **{k: sum((r[k] for r in rows), Decimal("0.00")) for k in AMOUNTS},
        **{k: sum(r[k] for r in rows) for k in COUNTS},
    })
    return {"region": current_app.config["FUNDTRACK_REGION"], "month": month,
            "ends_on": ends_on, "rows": rows, "total": total}


def months() -> list[str]:
    """The months with a package received, newest first."""
    return list(db.session.scalars(
        select(ReportPackage.month).distinct().order_by(ReportPackage.month.desc())))


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def missing(month_text: str | None, rows: list[dict]) -> list[str]:
    """Registered regions with no package for the month."""
    have = {r["region"] for r in rows}
    return [r.name for r in regions() if r.name not in have]


def received(month: str | None = None, region: str | None = None, *,
             limit: int = 100) -> list[ReportPackage]:
    """The packages received, newest first (optionally of one month, one region), their
    files left unread."""
    stmt = (select(ReportPackage).options(defer(ReportPackage.body))
            .order_by(ReportPackage.id.desc()))
    if month:
        stmt = stmt.where(ReportPackage.month == month)
    if region:
        stmt = stmt.where(ReportPackage.region == region)
    return list(db.session.scalars(stmt.limit(limit)))


def package(package_id: int) -> ReportPackage | None:
    return db.session.get(ReportPackage, package_id)


def statuses(region: str | None = None, month: str | None = None, *,
             limit: int = 100) -> list[dict]:
    """The packages received (of one region, one month), newest first, each with its
    status: 已退回 (returned, with the note, who and when), 已更正 (a later package of the
    same region and month supersedes it), else 已接收. Two statements."""
    P, R = ReportPackage, ReportReturn
    stmt = (select(P.id, P.region, P.level, P.month, P.digest, P.received_at, P.received_by,
                   R.note, R.returned_at, R.returned_by)
            .outerjoin(R, R.package_id == P.id).order_by(P.id.desc()).limit(limit))
    if region:
        stmt = stmt.where(P.region == region)
    if month:
        stmt = stmt.where(P.month == month)
    rows = db.session.execute(stmt).all()
    latest = {(region, month): newest for region, month, newest in db.session.execute(
        select(P.region, P.month, func.max(P.id))
        .where(P.month.in_({r.month for r in rows}), P.region.in_({r.region for r in rows}))
        .group_by(P.region, P.month))} if rows else {}
    out = []
    for r in rows:
        newest = latest.get((r.region, r.month))
        status = (SUPERSEDED if newest is not None and newest > r.id
                  else RETURNED if r.returned_at else RECEIVED)
        out.append({"id": r.id, "region": r.region, "level": r.level, "month": r.month,
                    "digest": r.digest, "received_at": r.received_at,
                    "received_by": r.received_by, "status": status,
                    "returned": {"note": r.note, "returned_at": r.returned_at,
                                 "returned_by": r.returned_by} if r.returned_at else None})
    return out


def bodies(package_ids) -> dict[int, dict]:
    """id → the package file as received, for the given packages; one statement."""
    ids = list(package_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(ReportPackage.id, ReportPackage.body).where(ReportPackage.id.in_(ids))).all())
