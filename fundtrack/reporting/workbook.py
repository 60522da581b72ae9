"""The city workbook (上报汇总.xlsx) of a month, from the 上报汇总 page.

- 上报汇总: a title line, then one row per lower region with a package for the month (its
  latest, as queries.rollup gives it, with its status: 已接收 or 已退回), then the 合计
  row, the exact sum of the rows (rates from the summed amounts), then the regions that
  have not reported;
- then one sheet per region, named by it: a county's 资金台账 as its package carries it
  (stored by its month close) with its 合计, or, for a city's package, its regions' rows.

Cells hold values, never formulas; money is written from its Decimal. The workbook is
built in memory (a region's sheet is a few dozen rows; a thousand regions make a few MB),
written to a temporary file and streamed (workbook/download.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from flask import current_app

from .. import sheets
from ..workbook.styles import WORKBOOK_OPTIONS, Styles, Widths, page_setup, write_cell
from . import queries

#: Characters Excel does not allow in a sheet name.
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_name(region: str, taken: set[str]) -> str:
    """``region`` as a sheet name: Excel's forbidden characters replaced, at most 31
    characters, unique in the workbook (a number added when needed)."""
    base = _SHEET_UNSAFE.sub("-", region).strip("'") or "地区"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f"({n})"
        name = base[:31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def write_city_workbook(path: str, month: str) -> None:
    roll = queries.rollup(month)
    missing = queries.missing(month, roll["rows"])
    packages = queries.bodies(r["id"] for r in roll["rows"])
    region = current_app.config["FUNDTRACK_REGION"]
    ends_on = roll["ends_on"]
    exported = dt.datetime.now(ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"]))
    # one small sheet per region: built in memory (xlsxwriter's temporary file per sheet
    # cost more than the sheets themselves: 100 regions 5.5 s → 3.0 s on a busy machine)
    workbook = xlsxwriter.Workbook(path, {**WORKBOOK_OPTIONS, "constant_memory": False,
                                          "in_memory": True})
    try:
        styles = Styles(workbook)
        setup = {"region": region, "as_of": ends_on,
                 "exported_at": exported.replace(tzinfo=None)}
        rows = [{**r, "received_at": _local(r["received_at"]),
                 "status": queries.RETURNED if r["returned"] else queries.RECEIVED}
                for r in roll["rows"]]
        total = {**roll["total"], "level": "", "received_at": "", "status": ""}
        as_of = f"{ends_on.year}年{ends_on.month:02d}月{ends_on.day:02d}日"
        title = f"{region} 上报汇总({month},截至{as_of})"
        after = [f"尚未上报:{'、'.join(missing)}"] if missing else []
        _table(workbook, styles, setup, sheets.CITY_ROLLUP, sheets.CITY_ROLLUP.name, title,
               rows, total, after)
        taken = {sheets.CITY_ROLLUP.name.lower()}
        for r in roll["rows"]:
            body = packages[r["id"]]
            name = sheet_name(r["region"], taken)
            head = f"{r['region']}({r['level']}){month} 上报包"
            if "fund_ledger" in body:
                ledger = body["fund_ledger"]
                _table(workbook, styles, setup, sheets.REGION_FUND_LEDGER, name,
                       f"{head} · 资金台账(月结时保存)",
                       [_amounts(x) for x in ledger["rows"]],
                       {**_amounts(ledger["total"]), "source_code": sheets.TOTAL_LABEL})
            else:
                _table(workbook, styles, setup, sheets.REGION_REGIONS, name,
                       f"{head} · 下级地区", [_amounts(x) for x in body.get("regions", [])],
                       {**_amounts(body["summary"]), "region": sheets.TOTAL_LABEL})
    finally:
        workbook.close()


def _amounts(values: dict) -> dict:
    """A package's row: its amount strings as Decimals, the rest as they are."""
    return {k: Decimal(v) if k in _MONEY and isinstance(v, str) else v
            for k, v in values.items()}


_MONEY = {"amount_issued", "arrived", "allocated", "spent", "recovered", "balance"}


def _local(moment: dt.datetime) -> str:
    if moment.tzinfo is None:  # SQLite keeps UTC times without their zone
        moment = moment.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(current_app.config["FUNDTRACK_TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _table(workbook, styles: Styles, setup: dict, sheet: sheets.Sheet, name: str,
           title: str, rows: list[dict], total: dict, after: list[str] = ()) -> None:
    ws = workbook.add_worksheet(name)
    ws.write_string(0, 0, title, styles.title)
    for i, c in enumerate(sheet.columns):
        ws.write_string(1, i, c.header, styles.header)
    widths = Widths(sheet.columns)
    row = 1
    for row, values in enumerate(rows, start=2):
        values = {c.key: values.get(c.key) for c in sheet.columns}
        widths.see(values)
        for i, c in enumerate(sheet.columns):
            write_cell(ws, row, i, c.kind, values[c.key], styles.cell[c.kind])
    row += 1
    first = sheet.columns[0].key
    total = {c.key: total.get(c.key) for c in sheet.columns} | {first: sheets.TOTAL_LABEL}
    for i, c in enumerate(sheet.columns):
        write_cell(ws, row, i, c.kind, total[c.key], styles.total[c.kind])
    for line in after:
        row += 2
        ws.write_string(row, 0, line)
    ws.freeze_panes(2, 0)
    page_setup(ws, sheet_name=name, widths=widths.final(), title_rows=2, gridlines=False,
               **setup)
