"""Reading a ledger query (as-of date, filters, page) from request arguments, for the
screens and the API alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..clock import today
from ..dates import parse_date
from ..enums import parse_yes_no
from ..errors import Refused
from ..paging import MAX_PAGE, MAX_PER_PAGE
from .filters import LedgerFilter


@dataclass(frozen=True)
class LedgerQuery:
    as_of: dt.date
    filt: LedgerFilter
    page: int | None = None
    per_page: int | None = None
    #: A column key to order by, "-key" for descending.
    sort: str | None = None

    @property
    def dashboard_args(self) -> dict:
        """The arguments the dashboard passes on to its links: the date, the year, and
        the unit it is scoped to (``unit=""``, every unit, when it is not)."""
        return {"as_of": self.as_of.isoformat(),
                **({"year": self.filt.year} if self.filt.year else {}),
                "unit": self.filt.unit or ""}


def own_unit_default(query: LedgerQuery, args, user) -> LedgerQuery:
    """A manager's own unit is the default unit filter (their 首页 and 预警 show their
    unit's figures); an explicit empty ``unit=`` asks for every unit."""
    from ..enums import Role

    unit = getattr(user, "unit", None)
    if "unit" not in args and getattr(user, "role", None) == Role.MANAGER and unit is not None:
        return replace(query, filt=replace(query.filt, unit=unit.name))
    return query


def _int(text: str, field: str, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise Refused(f"「{text}」不是整数", field) from None
    if not low <= value <= high:
        raise Refused(f"{field} 应在 {low} 到 {high} 之间", field)
    return value


#: The years a ledger query may filter on (the OpenAPI description states them too).
YEARS = (1900, 2999)


def parse_ledger_query(args, *, default_per_page: int | None = None) -> LedgerQuery:
    """Raises Refused(field=...) for any value that cannot be read."""
    as_of = parse_date(args["as_of"], "as_of") if args.get("as_of") else today()
    year = _int(args["year"], "year", *YEARS) if args.get("year") else None
    priority = None
    if args.get("priority"):
        try:
            priority = parse_yes_no(args["priority"])
        except ValueError as e:
            raise Refused(str(e), "priority") from None
    filt = LedgerFilter(
        year=year,
        township=args.get("township") or None,
        unit=args.get("unit") or None,
        category=args.get("category") or None,
        priority=priority,
        village=args.get("village") or None,
        search=(args.get("q") or "").strip() or None,
    )
    page = per_page = None
    if args.get("page") or args.get("per_page") or default_per_page:
        page = _int(args.get("page") or 1, "page", 1, MAX_PAGE)
        per_page = _int(args.get("per_page") or default_per_page or 50, "per_page", 1,
                        MAX_PER_PAGE)
    return LedgerQuery(as_of, filt, page, per_page, args.get("sort") or None)
