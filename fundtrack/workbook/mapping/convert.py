"""A county sheet's rows, read through a mapping, into projects with their money by
channel and their milestone dates; every problem named with the county's sheet, Excel
row and header.

Amounts are read in their column's unit (元 or 万元) and converted exactly with Decimal:
an amount in 万元 that is not a whole number of fen (12.345678 万元 = 123456.78 元 is;
1.2345678 万元 is not) is refused, never rounded. The 合计 row is not a project: its
amounts are kept as the workbook's own totals, which the check compares with the rows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ... import fields as text_fields
from ... import sheets
from ...enums import MilestoneKind
from ...money import CENT, MAX_AMOUNT, ZERO
from ..cells import CellError, is_blank, read_code, read_date, read_int, read_text, read_yes_no
from ..report import Problem
from .fields import MANY, TARGETS, UNITS, Mapping, milestone_of
from .header import Header, is_section_row, is_total_row

_PLACE = re.compile(r"^(.+?(?:镇|乡|街道办事处|街道|办事处))(.*)$")
_DOTTED = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*月?$")


@dataclass
class Amount:
    #: allocated or paid
    kind: str
    source: str
    #: In yuan, exact to the fen.
    amount: Decimal
    #: The county's header of the column.
    header: str


@dataclass
class CountyProject:
    #: The Excel row.
    number: int
    #: The 项目 sheet's values by key (None when not given).
    values: dict
    #: The county's header of each value's column, by key.
    headers: dict = field(default_factory=dict)
    amounts: list[Amount] = field(default_factory=list)
    #: Milestone → {"planned_on": date, "done_on": date}, with their headers.
    milestones: dict[MilestoneKind, dict] = field(default_factory=dict)
    milestone_headers: dict[tuple[MilestoneKind, str], str] = field(default_factory=dict)
    ok: bool = True
    #: The project already in fundtrack this row is (set by the check), or None.
    existing: object = None


@dataclass
class Converted:
    projects: list[CountyProject] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The 合计 row's amounts in yuan, by the county's header (the workbook's own totals).
    totals: dict[str, Decimal] = field(default_factory=dict)
    #: Σ of the project rows' amounts in yuan, by header.
    sums: dict[str, Decimal] = field(default_factory=dict)
    #: The Excel row of the 合计 row, if any.
    total_row: int | None = None
    #: A group's own sum column ("资金来源/小计", not imported) → its 合计 cell in yuan
    #: and the group's mapped columns, whose sums it should equal.
    group_totals: dict[str, tuple[Decimal, list[str]]] = field(default_factory=dict)
    #: Rows left out: (Excel row, why).
    skipped: list[tuple[int, str]] = field(default_factory=list)


def read_amount(value, unit: str) -> Decimal:
    """An amount cell in ``unit`` (元 or 万元) as yuan, exact to the fen; CellError when
    it is no number in that unit."""
    if isinstance(value, bool):
        raise CellError(f"「{value}」不是以{unit}计的金额")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        text = text.removesuffix("万元").removesuffix("元").strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise CellError(f"「{read_text(value)}」不是以{unit}计的金额") from None
    if not d.is_finite():
        raise CellError(f"「{read_text(value)}」不是以{unit}计的金额")
    yuan = d * UNITS[unit]
    if abs(yuan) > MAX_AMOUNT:
        raise CellError(f"金额「{read_text(value)}」{unit}超出范围")
    if yuan != yuan.quantize(CENT):
        raise CellError(f"「{read_text(value)}」{unit}折合 {yuan.normalize():f} 元,"
                        "超过两位小数(元精确到分);请检查该列的单位")
    return yuan.quantize(CENT)


def read_county_date(value) -> dt.date:
    """A date as county ledgers write them: a date cell, 2024-03-05, 2024/3/5,
    2024年3月5日, 2024.3.5; a month alone (2024年3月, 2024.3) is its first day."""
    if isinstance(value, str):
        text = value.strip()
        m = _DOTTED.match(text) or None
        if m:
            try:
                return dt.date(*map(int, m.groups()))
            except ValueError:
                pass
        elif (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return read_date(value)


_READERS = {
    "text": read_text, "code": read_code, "int": read_int, "yesno": read_yes_no,
    "date": read_county_date, "place": read_text,
}


def check_mapping(mapping: Mapping, header: Header, sheet: str, *,
                  year: int | None) -> list[Problem]:
    """What makes a mapping unusable: a field mapped by two columns, a channel column
    without its channel, a needed field not mapped, a name not in the sheet."""
    row = header.rows[0]
    problems = []
    first: dict[tuple, str] = {}
    for name, c in mapping.mapped().items():
        if c.field not in TARGETS:
            problems.append(Problem(sheet, row, name, f"「{c.field}」不是可对应的字段"))
            continue
        if header.column(name) is None:
            problems.append(Problem(sheet, row, name, "工作表中没有这一列(表头已变?)"))
            continue
        target = TARGETS[c.field]
        if c.field in MANY and not c.source:
            problems.append(Problem(
                sheet, row, name, f"「{target.label}」未对应资金渠道:请选择已有的资金渠道,"
                "或先在「资金渠道」中新建后再对应"))
            continue
        key = (c.field, c.source) if c.field in MANY else (c.field,)
        if key in first:
            what = f"{target.label}({c.source})" if c.field in MANY else target.label
            problems.append(Problem(sheet, row, name, (
                f"「{what}」已由列「{first[key]}」对应:一个字段只能对应一列")))
        else:
            first[key] = name
    fields = {c.field for c in mapping.mapped().values()}
    for key in ("name", "unit"):
        if key not in fields:
            problems.append(Problem(sheet, row, None,
                                    f"没有列对应「{TARGETS[key].label}」(必须对应)"))
    if not {"township", "place"} & fields:
        problems.append(Problem(sheet, row, None,
                                "没有列对应「乡镇」或「建设地点」(必须对应其一)"))
    if "year" not in fields and year is None:
        problems.append(Problem(sheet, row, None,
                                "没有列对应「年度」,标题中也没有年度:请填写项目年度"))
    if not {"allocated", "paid"} & fields and "total_investment" not in fields:
        problems.append(Problem(sheet, row, None,
                                "没有列对应「总投资」或任何渠道的资金安排"))
    return problems


def convert(grid: list[tuple[int, list]], header: Header, mapping: Mapping, *,
            sheet: str, year: int | None = None) -> Converted:
    """The projects of the rows below ``header``. A row whose name cell is empty, a
    heading row (一、…) and the 合计 / 小计 rows are not projects."""
    out = Converted()
    out.problems += check_mapping(mapping, header, sheet, year=year)
    if out.problems:
        return out
    columns = [(name, c, header.column(name)) for name, c in mapping.mapped().items()]
    money = [(name, c, at) for name, c, at in columns
             if TARGETS[c.field].kind in ("money", "channel")]
    name_at = next(at for _, c, at in columns if c.field == "name")
    for number, values in grid:
        if number <= header.last_row or all(is_blank(v) for v in values):
            continue
        cells = values + [None] * (len(header.names) - len(values))
        if is_total_row(cells):
            if out.total_row is None and "小计" not in str(cells[:3]):
                out.total_row = number
                for name, c, at in money:
                    try:
                        if not is_blank(cells[at]):
                            out.totals[name] = read_amount(cells[at], c.unit)
                    except CellError:
                        pass  # a total that is no number is the county's, not ours
                _group_totals(out, header, mapping, cells)
            out.skipped.append((number, "合计行"))
            continue
        if is_section_row(cells) or is_blank(cells[name_at]):
            out.skipped.append((number, "不是项目行"))
            continue
        out.projects.append(_project(number, cells, columns, mapping, sheet, year, out))
    return out


def _group_totals(out: Converted, header: Header, mapping: Mapping, cells: list) -> None:
    """The 合计 row's cells under a group's own 小计 / 合计 column."""
    mapped = mapping.mapped()
    for j, name in enumerate(header.names):
        group, _, lower = name.rpartition("/")
        if not group or lower not in ("小计", "合计") or name in mapped or is_blank(cells[j]):
            continue
        members = [n for n, c in mapped.items() if n.rpartition("/")[0] == group
                   and TARGETS[c.field].kind in ("money", "channel")]
        if not members:
            continue
        try:
            out.group_totals[name] = (read_amount(cells[j], mapped[members[0]].unit), members)
        except CellError:
            pass


def _project(number, cells, columns, mapping, sheet, year, out) -> CountyProject:
    values = {key: None for key in sheets.PROJECTS.keys}
    project = CountyProject(number, values)
    place = None
    for name, c, at in columns:
        raw = cells[at]
        if is_blank(raw):
            continue
        target = TARGETS[c.field]
        try:
            if target.kind in ("money", "channel"):
                value = read_amount(raw, c.unit)
                out.sums[name] = out.sums.get(name, ZERO) + value
            else:
                value = _READERS[target.kind](raw)
                if target.kind in ("text", "code") and c.field in text_fields.FIELDS:
                    value = text_fields.clean(c.field, value)
        except CellError as e:
            out.problems.append(Problem(sheet, number, name, str(e)))
            project.ok = False
            continue
        except text_fields.FieldError as e:
            out.problems.append(Problem(sheet, number, name, e.reason))
            project.ok = False
            continue
        if target.kind == "channel":
            if value:
                project.amounts.append(Amount(c.field, c.source, value, name))
        elif (when := milestone_of(c.field)) is not None:
            moment, kind = when
            project.milestones.setdefault(kind, {})[f"{moment}_on"] = value
            project.milestone_headers[(kind, f"{moment}_on")] = name
        elif c.field == "place":
            place = (value, name)
        else:
            values[c.field] = value
            project.headers[c.field] = name
    if place is not None:
        text, name = place
        m = _PLACE.match(text)
        township, village = (m.group(1), m.group(2) or None) if m else (None, text)
        if values["township"] is None and township:
            values["township"], project.headers["township"] = township, name
        elif values["township"] and text.startswith(values["township"]):
            village = text[len(values["township"]):] or None
        if values["village"] is None and village:
            values["village"], project.headers["village"] = village, name
    if values["unit"] is not None:
        values["unit"] = mapping.units.get(values["unit"], values["unit"])
    if values["village"] is not None:
        values["village"] = mapping.villages.get(values["village"], values["village"])
    if values["year"] is None:
        values["year"] = year
    if values["total_investment"] is None:
        values["total_investment"] = sum(
            (a.amount for a in project.amounts if a.kind == "allocated"), ZERO)
    for key in ("name", "unit", "township"):
        if values[key] is None and project.ok:
            out.problems.append(Problem(
                sheet, number, project.headers.get(key) or _header_of(columns, key),
                f"必填,不能为空({TARGETS[key].label})"))
            project.ok = False
    return project


def _header_of(columns, key: str) -> str | None:
    for name, c, _ in columns:
        if c.field == key or (key == "township" and c.field == "place"):
            return name
    return None
