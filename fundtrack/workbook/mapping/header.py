"""Where a county's table starts: its title rows, its header (one or two rows), its unit.

County ledgers put title lines above the table ("XX县2024年财政衔接资金项目台账",
"单位:万元", "截至2024年6月30日"), and often a two-row header whose upper cells are
merged across a group (资金来源 over 中央 / 省级 / 县级) while the other upper cells are
merged down over both rows (项目名称). A merged cell holds its value in its first cell
only; the rest read as empty. The header row is the first row with at least three text
cells of which at least two are names the synonym table knows; the row below it is a
second header row when it holds only text and has a name under an empty upper cell
(the sign of a merge). Each column's name is then "upper/lower", or the one that is there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..cells import is_blank
from .propose import normalise, recognised

_UNIT = re.compile(r"单位\s*[::]?\s*(万元|元)")
_AS_OF = re.compile(r"(?:截[至止]|截止到|至)\s*(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]"
                    r"\s*(\d{1,2})\s*日?")
_YEAR = re.compile(r"(\d{4})\s*年")
#: The first cell of a row that is a sum of rows, not a project.
_TOTALS = ("合计", "总计", "小计", "总合计")


@dataclass
class Header:
    #: Excel row numbers of the header rows (one or two).
    rows: tuple[int, ...]
    #: One name per column (position), "" for a column without one.
    names: list[str]
    #: The text of the rows above the header.
    title: list[str] = field(default_factory=list)
    #: 万元 or 元 when the title says so (单位:万元).
    unit: str | None = None
    #: The ledger's date when the title says so (截至2024年6月30日).
    as_of: dt.date | None = None
    #: The first year the title names (XX县2024年...台账).
    year: int | None = None

    @property
    def last_row(self) -> int:
        return self.rows[-1]

    def column(self, name: str) -> int | None:
        try:
            return self.names.index(name)
        except ValueError:
            return None


def _text(value) -> str:
    return "" if is_blank(value) else str(value).strip()


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _number_like(value)


def _number_like(value) -> bool:
    return bool(re.fullmatch(r"[\d.,\-\s%]+", str(value).strip()))


def _header_like(values: list) -> bool:
    filled = [v for v in values if not is_blank(v)]
    texts = [v for v in filled if _is_text(v)]
    if len(texts) < 3 or len(texts) < len(filled) - 1:
        return False
    return sum(1 for v in texts if recognised(v)) >= 2


def find_header(grid: list[tuple[int, list]], *, look: int = 30) -> Header | None:
    """The header of a sheet's rows (``grid``: (Excel row, values) from row 1), or None
    when none of its first ``look`` rows is one."""
    head = grid[:look]
    for i, (number, values) in enumerate(head):
        if not _header_like(values):
            continue
        title = [" ".join(_text(v) for v in vals if not is_blank(v)) for _, vals in head[:i]]
        rows = (number,)
        upper = [_text(v) for v in values]
        lower: list[str] = []
        if i + 1 < len(grid):
            below_number, below = grid[i + 1]
            if below_number == number + 1 and _second_row(upper, below):
                rows = (number, below_number)
                lower = [_text(v) for v in below]
        header = Header(rows=rows, names=_combine(upper, lower), title=[t for t in title if t])
        _read_title(header)
        return header
    return None


def _second_row(upper: list[str], below: list) -> bool:
    filled = [(j, v) for j, v in enumerate(below) if not is_blank(v)]
    if not filled or not all(_is_text(v) for _, v in filled):
        return False
    return any(j >= len(upper) or not upper[j] for j, _ in filled)


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """One name per column: an empty upper cell inside a group (its left neighbour has a
    lower name too) takes the group's name, as the merged cell shows it."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    names = []
    group = ""
    for j in range(width):
        top, bottom = upper[j], lower[j]
        if top:
            group = top if bottom else ""
        elif bottom and group:
            top = group
        else:
            group = ""
        if top and bottom:
            names.append(f"{top}/{bottom}")
        else:
            names.append(top or bottom)
    # the same name twice (two 备注 columns) would map as one: number the repeats
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                names[j] = f"{name}({seen[name]})"
    return names


def _read_title(header: Header) -> None:
    for line in header.title:
        if header.unit is None and (m := _UNIT.search(line)):
            header.unit = m.group(1)
        if header.as_of is None and (m := _AS_OF.search(line)):
            try:
                header.as_of = dt.date(*map(int, m.groups()))
            except ValueError:
                pass
        if header.year is None and (m := _YEAR.search(line)):
            header.year = int(m.group(1))


def is_total_row(values: list) -> bool:
    """A 合计 / 小计 row: its first cells (the 序号 and name columns) say so."""
    for v in values[:3]:
        text = normalise(v)
        if text and any(text.startswith(w) for w in _TOTALS):
            return True
    return False


def is_section_row(values: list) -> bool:
    """A heading inside the table ("一、基础设施类"), not a project."""
    for v in values[:3]:
        text = normalise(v)
        if text:
            return bool(re.match(r"^[一二三四五六七八九十]+[、.]", text))
    return False
