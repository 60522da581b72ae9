"""Public disclosure (公示公告): what a project's public page and its notices say.

A public page and a notice are built from a ``PublicProject``, which copies only the
public facts of a project (name, place, scope, investment, channels, responsible unit,
start and completion). Neither the responsible person nor a phone number, a payee, a
voucher or a user ever reaches these templates. Notices are computed, not stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import segno
from sqlalchemy import select

from ..attachments.models import Attachment
from ..attachments.queries import public_photos
from ..enums import LabelledEnum
from ..enums import MilestoneKind as K
from ..errors import NotFound, Refused
from ..extensions import db
from ..ledger.public import project_channels
from ..milestones.models import Milestone
from ..projects.service import get_project

#: The shortest posting period (公示期), in calendar days counting its first and its last
#: day: 10 days from 12月1日 run to 12月10日.
MIN_POSTING_DAYS = 10

#: The milestones a public page and a notice name, with their dates.
PUBLIC_MILESTONES = (K.APPROVED, K.STARTED, K.COMPLETED, K.ACCEPTED)


class NoticeKind(LabelledEnum):
    """公示类型: the event a notice announces."""

    APPROVED = ("approved", "立项公示")
    COMPLETED = ("completed", "完工公示")


#: What a notice says happened, and the milestones it rests on (the first one done).
NOTICE_BASIS: dict[NoticeKind, tuple[K, ...]] = {
    NoticeKind.APPROVED: (K.APPROVED,),
    NoticeKind.COMPLETED: (K.COMPLETED, K.ACCEPTED),
}


@dataclass(frozen=True)
class Dates:
    planned_on: dt.date | None = None
    done_on: dt.date | None = None


@dataclass
class PublicProject:
    code: str
    name: str
    year: int
    township: str
    village: str | None
    scope: str | None
    total_investment: Decimal
    unit: str
    #: Per channel: source_name, level (级次), allocated; and their 合计.
    channels: list[dict]
    allocated: Decimal
    as_of: dt.date
    milestones: dict[K, Dates]
    #: The ids of the 公示照片 shown on the public page (never who uploaded them, nor
    #: their names as uploaded).
    photos: list[int] = field(default_factory=list)

    @property
    def place(self) -> str:
        return f"{self.township}{self.village or ''}"

    def dates(self, kind: K) -> Dates:
        return self.milestones.get(kind, Dates())

    def progress(self) -> list[tuple[str, Dates]]:
        """开工 and 完工, planned and actual, as the public page lists them."""
        return [(kind.label, self.dates(kind)) for kind in (K.STARTED, K.COMPLETED)]


def public_project(code: str, as_of: dt.date) -> PublicProject:
    """The public facts of a project; NotFound for an unknown code. Six statements."""
    project = get_project(code)
    channels, allocated = project_channels(as_of, project.code)
    milestones = {
        kind: Dates(planned, done)
        for kind, planned, done in db.session.execute(
            select(Milestone.kind, Milestone.planned_on, Milestone.done_on).where(
                Milestone.project_id == project.id, Milestone.kind.in_(PUBLIC_MILESTONES)
            )
        )
    }
    return PublicProject(
        code=project.code,
        name=project.name,
        year=project.year,
        township=project.township,
        village=project.village,
        scope=project.scope,
        total_investment=project.total_investment,
        unit=project.unit.name,
        channels=channels,
        allocated=allocated,
        as_of=as_of,
        milestones=milestones,
        photos=[a.id for a in public_photos(project.id)],
    )


def public_photo(code: str, photo_id: int) -> Attachment:
    """A 公示照片 of the project that its public page shows; NotFound for anything else
    (another project's document, another kind, a superseded photo, not an image)."""
    project = get_project(code)
    for a in public_photos(project.id):
        if a.id == photo_id:
            return a
    raise NotFound(f"项目 {code} 没有编号为 {photo_id} 的公示照片", "id")


# --- notices -----------------------------------------------------------------------------


def notice_kind(text: str | None) -> NoticeKind:
    if not text:
        return NoticeKind.APPROVED
    try:
        return NoticeKind.from_text(text)
    except ValueError as e:
        raise Refused(str(e), "kind") from None


def posting_period(start: dt.date, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """公示期: from ``start`` to ``end`` (default: MIN_POSTING_DAYS days, both ends
    counted); a period of fewer days is refused."""
    earliest = _last_day(start, MIN_POSTING_DAYS)
    if end is None:
        return start, earliest
    if end < earliest:
        raise Refused(
            f"公示期不得少于{MIN_POSTING_DAYS}天:结束日期应不早于 {earliest.isoformat()}", "days"
        )
    return start, end


#: The longest posting period one may choose.
MAX_POSTING_DAYS = 366


def parse_days(text) -> int:
    """公示天数 as typed; fewer than MIN_POSTING_DAYS is refused by ``posting_period``."""
    try:
        days = int(str(text).strip())
    except ValueError:
        raise Refused(f"公示天数「{text}」应为整数", "days") from None
    if days > MAX_POSTING_DAYS:
        raise Refused(f"公示天数不能超过{MAX_POSTING_DAYS}天", "days")
    return days


def period_of(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """公示期 of ``days`` calendar days from ``start`` (both counted), checked as
    ``posting_period`` does."""
    return posting_period(start, _last_day(start, max(days, 1)))


def _last_day(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` calendar days beginning on ``start``."""
    try:
        return start + dt.timedelta(days=days - 1)
    except OverflowError:
        raise Refused("公示开始日期超出范围", "start") from None


@dataclass
class Notice:
    kind: NoticeKind
    project: PublicProject
    start: dt.date
    end: dt.date
    complaint_phone: str
    public_url: str
    #: The QR code of ``public_url``, an inline <svg> element.
    qr_svg: str
    #: The milestone the notice rests on and its actual date (None: not done yet).
    basis: K
    basis_done_on: dt.date | None

    #: Whether 公示网址 is set; if not, the QR code leads to the address this request
    #: came to (often 127.0.0.1 or an intranet name the public cannot reach).
    address_set: bool = True

    @property
    def days(self) -> int:
        """Calendar days of the period, its first and last day counted (as stated)."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[tuple[str, dt.date | None]]:
        """The actual dates the notice states: 立项入库; or 开工, 完工 (and 验收 when done)."""
        if self.kind is NoticeKind.APPROVED:
            kinds = [K.APPROVED]
        else:
            kinds = [K.STARTED, K.COMPLETED]
            if self.project.dates(K.ACCEPTED).done_on:
                kinds.append(K.ACCEPTED)
        return [(k.label, self.project.dates(k).done_on) for k in kinds]


def build_notice(project: PublicProject, kind: NoticeKind, start: dt.date,
                 end: dt.date | None, *, complaint_phone: str, public_url: str,
                 address_set: bool = True) -> Notice:
    start, end = posting_period(start, end)
    basis = NOTICE_BASIS[kind]
    done = [(k, project.dates(k).done_on) for k in basis if project.dates(k).done_on]
    basis_kind, done_on = done[0] if done else (basis[0], None)
    return Notice(
        kind=kind,
        project=project,
        start=start,
        end=end,
        complaint_phone=complaint_phone,
        public_url=public_url,
        qr_svg=qr_svg(public_url),
        basis=basis_kind,
        basis_done_on=done_on,
        address_set=address_set,
    )


def qr_svg(url: str, scale: int = 4) -> str:
    """An inline <svg> QR code of ``url`` (error correction M, quiet zone of 4 modules)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=scale, border=4, title="扫码查看项目公示")
