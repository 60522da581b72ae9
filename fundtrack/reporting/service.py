"""Reporting upward (上报): the rules, once.

- A county's package is the package of a **closed** month (月结): the 资金台账 stored by
  the close and the month-end summary figures, signed with this instance's key.
- A collecting instance (FUNDTRACK_COLLECTS) takes a package only from a registered
  region, signed by that region's registered key, of the level right below its own
  (a 县 sends to a 市, a 市 to a 省), whose figures add up; anything else is refused
  whole and nothing is kept.
- Every package received is kept; the latest one of a region and month supersedes the
  earlier ones (both stay, with who received them and when).
- 退回: the collecting instance returns a region's month with a note: the return names
  the month's latest package, once; the region sees it through the upper region's
  ``GET /api/v1/packages`` (its 上报 page asks), and its corrected package, received
  later, supersedes the returned one.
- A collecting instance's own package is its roll-up of the month (queries.rollup):
  one row per region, the total their exact sum.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from ..database import current_actor
from ..errors import Refused
from ..extensions import db
from ..history.service import record
from ..ledger.reports import project_ledger, summary_total
from ..periods.models import PeriodClose
from ..periods.service import parse_month
from . import keys, package, queries
from .models import Region, ReportPackage, ReportReturn


def collects() -> bool:
    return bool(current_app.config.get("FUNDTRACK_COLLECTS"))


def _need_collecting() -> None:
    if not collects():
        raise Refused("本实例不汇总下级上报(未设置 FUNDTRACK_COLLECTS=1)", "package")


# --- the sending side ------------------------------------------------------------------


def build(month_text: str | None) -> dict:
    """The signed package of ``month_text``: a county's closed month, or a collecting
    instance's roll-up of the packages it holds for that month."""
    month, ends_on = parse_month(month_text)
    head = {"format": package.FORMAT, "region": current_app.config["FUNDTRACK_REGION"],
            "level": current_app.config["FUNDTRACK_LEVEL"], "month": month,
            "ends_on": ends_on.isoformat()}
    if collects():
        roll = queries.rollup(month)
        if not roll["rows"]:
            raise Refused(f"{month} 还没有收到任何下级上报,无法汇总上报", "month")
        keys_ = (*package.AMOUNTS, *package.COUNTS)
        regions = [{"region": r["region"], "digest": r["digest"],
                    **{k: _out(r[k]) for k in keys_}} for r in roll["rows"]]
        return package.sign({**head, "regions": regions,
                             "summary": {k: _out(roll["total"][k]) for k in keys_}})
    close = db.session.scalar(select(PeriodClose).where(PeriodClose.month == month))
    if close is None:
        raise Refused(f"{month} 尚未月结:只能上报已月结的月份(请先在「月结」页或用 "
                      f"fundtrack close-month {month} 月结)", "month")
    ledger_total = close.snapshot["total"]
    progress = summary_total(ends_on)
    overdue = project_ledger(ends_on, page=1, per_page=1).total["overdue_count"]
    summary = {
        "amount_issued": ledger_total["amount_issued"],
        "arrived": ledger_total["arrived"],
        "spent": ledger_total["spent"],
        # 资金收回 as the close stored them (a close made before recoveries existed: none)
        "recovered": ledger_total.get("recovered", "0.00"),
        "projects": int(progress["projects"]),
        "started": int(progress["started"]),
        "completed": int(progress["completed"]),
        "overdue_count": int(overdue),
    }
    fund = {"rows": close.snapshot["rows"], "total": {
        k: ledger_total[k] for k in package.LEDGER_AMOUNTS}, "digest": close.digest}
    return package.sign({**head, "closed_at": close.closed_at.isoformat(),
                         "fund_ledger": fund, "summary": summary})


def _out(value):
    return value if isinstance(value, int) else package.text(value)


def send(body: dict) -> str:
    """POST the package to the upper region (FUNDTRACK_UPWARD_URL, its API token in
    FUNDTRACK_UPWARD_TOKEN); returns its answer's message; Refused when it refuses."""
    url = current_app.config.get("FUNDTRACK_UPWARD_URL")
    if not url:
        raise Refused("未设置上级地址(FUNDTRACK_UPWARD_URL),只能下载后另行报送", "url")
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/packages", data=package.canonical(body), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {current_app.config.get('FUNDTRACK_UPWARD_TOKEN')}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return f"上级已接收(HTTP {answer.status})"
    except urllib.error.HTTPError as e:
        try:
            message = json.loads(e.read())["errors"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            message = f"HTTP {e.code}"
        raise Refused(f"上级拒收:{message}", "url") from None
    except (urllib.error.URLError, OSError) as e:
        raise Refused(f"无法连接上级地址 {url}:{e}", "url") from None


# --- the collecting side ---------------------------------------------------------------


def add_region(name: str, public_key: str) -> Region:
    _need_collecting()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Refused("请填写下级地区名称(即其 FUNDTRACK_REGION,100 字以内)", "name")
    key = (public_key or "").strip()
    keys.parse_public(key)
    if db.session.scalar(select(Region).where(Region.name == name)) is not None:
        raise Refused(f"下级地区「{name}」已登记", "name", conflict=True)
    region = Region(name=name, public_key=key, registered_at=dt.datetime.now(dt.UTC),
                    registered_by=current_actor())
    db.session.add(region)
    record("insert", region)
    return region


def _check_level(sent: str) -> None:
    """A 县 sends to a 市, a 市 to a 省: a package is taken only from the level right below
    this instance's FUNDTRACK_LEVEL."""
    own = current_app.config["FUNDTRACK_LEVEL"]
    below = package.level_below(own)
    if below is None:
        raise Refused(f"本实例的级别是「{own}」,没有下级,不接收上报包(级别见 FUNDTRACK_LEVEL)",
                      "level")
    if sent != below:
        raise Refused(f"上报包的级别是「{sent}」,本实例是「{own}」,只接收下一级({below})的上报",
                      "level")


def receive(raw: bytes | str | dict) -> ReportPackage:
    """Take in a package; Refused (nothing kept) unless every check holds."""
    _need_collecting()
    body = package.parse(raw)
    figures = package.check(body)
    _check_level(figures["level"])
    region = db.session.scalar(select(Region).where(Region.name == figures["region"]))
    if region is None:
        raise Refused(f"「{figures['region']}」不是已登记的下级地区,不接收其上报", "region")
    if region.public_key != body["public_key"]:
        raise Refused(f"上报包的公钥与「{region.name}」登记的公钥不同,不接收", "public_key")
    digest = package.digest(body)
    if db.session.scalar(select(ReportPackage.id).where(ReportPackage.digest == digest)
                         .limit(1)) is not None:
        raise Refused(f"这个上报包({region.name} {figures['month']})已经接收过,未重复保存",
                      "package")
    kept = ReportPackage(
        region=region.name, level=figures["level"], month=figures["month"],
        received_at=dt.datetime.now(dt.UTC), received_by=current_actor(),
        digest=digest, body=body,
        **{k: figures[k] for k in (*package.AMOUNTS, *package.COUNTS)},
    )
    db.session.add(kept)
    record("insert", kept)
    return kept


#: The longest note of a return.
NOTE_LENGTH = 500


def return_month(region: str, month_text: str | None, note: str) -> ReportReturn:
    """退回 the latest package of ``region`` for the month, with ``note`` (what to
    correct). Refused when there is none, when it is already returned (the region has not
    sent a correction since), or without a note."""
    _need_collecting()
    month, _ = parse_month(month_text)
    note = " ".join((note or "").split())
    if not note:
        raise Refused("请填写退回原因(需要更正什么)", "note")
    if len(note) > NOTE_LENGTH:
        raise Refused(f"退回原因不超过 {NOTE_LENGTH} 字", "note")
    latest = db.session.scalar(
        select(ReportPackage).where(ReportPackage.region == (region or "").strip(),
                                    ReportPackage.month == month)
        .order_by(ReportPackage.id.desc()).limit(1))
    if latest is None:
        raise Refused(f"没有收到「{region}」{month} 的上报包,无可退回", "region")
    if db.session.scalar(select(ReportReturn.id).where(ReportReturn.package_id == latest.id)
                         .limit(1)) is not None:
        raise Refused(f"「{latest.region}」{month} 的上报包已退回,等待其更正后重报", "region",
                      conflict=True)
    returned = ReportReturn(package_id=latest.id, region=latest.region, month=month,
                            note=note, returned_at=dt.datetime.now(dt.UTC),
                            returned_by=current_actor())
    db.session.add(returned)
    record("insert", returned)
    return returned


def upward_status(month: str | None = None) -> list[dict]:
    """What the upper region says of this instance's packages (GET its /api/v1/packages
    with FUNDTRACK_UPWARD_TOKEN): each package it holds, newest first, with its status and
    any return's note. Refused when no address is set or the upper region does not answer."""
    url = current_app.config.get("FUNDTRACK_UPWARD_URL")
    if not url:
        raise Refused("未设置上级地址(FUNDTRACK_UPWARD_URL),无法查询上级的接收情况", "url")
    query = {"region": current_app.config["FUNDTRACK_REGION"]}
    if month:
        query["month"] = month
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/v1/packages?{urlencode(query)}",
        headers={"Authorization": f"Bearer {current_app.config.get('FUNDTRACK_UPWARD_TOKEN')}",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            body = json.loads(answer.read())
        return list(body["packages"])
    except urllib.error.HTTPError as e:
        raise Refused(f"上级拒绝查询(HTTP {e.code})", "url") from None
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as e:
        raise Refused(f"无法从上级地址 {url} 查询:{e}", "url") from None
