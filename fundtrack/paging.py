"""Long tables: sorting by a named column and paging on the server, for every list page
and the ledger reports alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, literal_column, select

from .errors import Refused
from .extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
#: The highest page number a query may ask for.
MAX_PAGE = 10**7


def ratio(numerator, denominator):
    """For ordering only: numerator / denominator in basis points (no rate is shown).

    A missing numerator (nothing spent, nothing arrived) is 0, so its row sorts with the
    zeros; a missing or zero denominator has no rate (NULL), which ``apply_sort`` puts
    after every rate in both directions."""
    return case((denominator != 0,
                 func.coalesce(numerator, 0) * literal_column("10000") / denominator))


def apply_sort(stmt, sort: str | None, columns: dict, *tiebreak):
    """ORDER BY the column named by ``sort`` ("-key" for descending), then ``tiebreak``.

    ``columns`` maps a key to its SQL expression, or to ``(expression, True)`` when the
    expression runs the other way (the earliest plan is the longest overdue). Rows
    without a value come last either way. An unknown key is refused (field ``sort``).
    """
    if not sort:
        return stmt.order_by(*tiebreak)
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in columns:
        raise Refused(f"不能按「{key}」排序", "sort")
    expr, reverse = columns[key] if isinstance(columns[key], tuple) else (columns[key], False)
    expr = expr.desc() if descending != reverse else expr.asc()
    return stmt.order_by(expr.nulls_last(), *tiebreak)


def limit_page(stmt, page: int | None, per_page: int | None):
    if page is None or per_page is None:
        return stmt
    return stmt.limit(per_page).offset((page - 1) * per_page)


def count_rows(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    count: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt, page: int, per_page: int, *, scalars: bool = True,
             count: int | None = None) -> Page:
    """One page of a select (two statements: the rows and the count; one when the caller
    has counted the rows already, with a total of the selection)."""
    result = db.session.execute(limit_page(stmt, page, per_page))
    items = list(result.scalars() if scalars else result)
    return Page(items, page, per_page, count_rows(stmt) if count is None else count)


def page_args(args, default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """``page`` and ``per_page`` from request arguments; nonsense falls back to defaults."""
    def number(key, default, high):
        try:
            return min(max(1, int(args.get(key, default))), high)
        except (TypeError, ValueError):
            return default

    return number("page", 1, MAX_PAGE), number("per_page", default_per_page, MAX_PER_PAGE)
