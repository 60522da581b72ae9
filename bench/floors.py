"""The floors the app is measured against: what the same work costs done by hand.

* the ledger: one hand-written ``SUM ... GROUP BY`` query per report over the same tables
  and the same as-of rules, rows fetched and nothing else;
* the export: the same number of cells written by xlsxwriter alone, ``constant_memory``
  (``write_cells``: short ASCII codes for text); and the exported workbook's own values
  written again by xlsxwriter alone (``write_values``: the same Chinese text, numbers and
  dates, each sheet read by calamine before the clock runs);
* the import: the same file read by ``pandas.read_excel(..., sheet_name=None,
  engine="calamine")`` in a process of its own, start-up included (measure.calamine_floor).
* the reconciliation (对账): the treasury export read by ``pandas.read_excel``, the
  ledger's payments in its date range (net of reversals) read by ``pandas.read_sql``, and
  the two merged on the voucher number (``merge(how="outer", indicator=True)``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

#: Per project: allocated, spent, milestone stats (the 项目台账 and 汇总 rows).
PROJECTS = """
SELECT p.id, p.code, p.township, u.name, p.total_investment, a.allocated, d.spent,
       m.current, m.overdue, m.first_overdue, m.started, m.completed
FROM project p JOIN unit u ON u.id = p.unit_id
LEFT JOIN (SELECT project_id, SUM(amount) AS allocated FROM allocation
           WHERE allocated_on IS NULL OR allocated_on <= :d GROUP BY project_id) a
       ON a.project_id = p.id
LEFT JOIN (SELECT project_id, SUM(amount) AS spent FROM disbursement
           WHERE paid_on <= :d GROUP BY project_id) d ON d.project_id = p.id
LEFT JOIN (SELECT project_id,
                  MAX(CASE WHEN done_on <= :d THEN kind END) AS current,
                  SUM(CASE WHEN planned_on < :d AND (done_on IS NULL OR done_on > :d)
                      THEN 1 ELSE 0 END) AS overdue,
                  MIN(CASE WHEN planned_on < :d AND (done_on IS NULL OR done_on > :d)
                      THEN planned_on END) AS first_overdue,
                  MAX(CASE WHEN kind = 5 AND done_on <= :d THEN 1 ELSE 0 END) AS started,
                  MAX(CASE WHEN kind = 6 AND done_on <= :d THEN 1 ELSE 0 END) AS completed
           FROM milestone GROUP BY project_id) m ON m.project_id = p.id
"""
#: Per project and channel (项目资金台账).
PAIRS = """
SELECT a.project_id, a.source_id, a.allocated, d.spent
FROM (SELECT project_id, source_id, SUM(amount) AS allocated FROM allocation
      WHERE allocated_on IS NULL OR allocated_on <= :d GROUP BY project_id, source_id) a
LEFT JOIN (SELECT project_id, source_id, SUM(amount) AS spent FROM disbursement
           WHERE paid_on <= :d GROUP BY project_id, source_id) d
       ON d.project_id = a.project_id AND d.source_id = a.source_id
"""
#: Per channel (资金台账).
SOURCES = """
SELECT s.id, s.code, s.amount_issued, r.arrived, a.allocated, d.spent
FROM fund_source s
LEFT JOIN (SELECT source_id, SUM(amount) AS arrived FROM fund_arrival
           WHERE arrived_on <= :d GROUP BY source_id) r ON r.source_id = s.id
LEFT JOIN (SELECT source_id, SUM(amount) AS allocated FROM allocation
           WHERE allocated_on IS NULL OR allocated_on <= :d GROUP BY source_id) a
       ON a.source_id = s.id
LEFT JOIN (SELECT source_id, SUM(amount) AS spent FROM disbursement
           WHERE paid_on <= :d GROUP BY source_id) d ON d.source_id = s.id
"""
#: Per township (汇总; the unit half is the same query grouped by unit).
SUMMARY = f"""
SELECT township, COUNT(*), SUM(started), SUM(completed), SUM(total_investment),
       SUM(allocated), SUM(spent)
FROM ({PROJECTS}) x GROUP BY township
"""
LEDGER_FLOOR = (PROJECTS, PAIRS, SOURCES, SUMMARY)

#: Per channel of 年度 <= Y (结转结余): arrivals, payments and recoveries before the year
#: (dated <= :ye, 31 December of Y-1) and in it (<= :d), and the arrivals dated by the
#: one- and two-year cuts (:y1, :y2) the ages subtract the money used from.
CARRYOVER = """
SELECT s.id, s.code, s.year, r.before AS arrived_before, r.this_year AS arrived_now,
       r.upto1, r.upto2, d.before AS spent_before, d.this_year AS spent_now,
       c.before AS recovered_before, c.this_year AS recovered_now
FROM fund_source s
LEFT JOIN (SELECT source_id, SUM(CASE WHEN arrived_on <= :ye THEN amount ELSE 0 END) AS before,
                  SUM(CASE WHEN arrived_on > :ye THEN amount ELSE 0 END) AS this_year,
                  SUM(CASE WHEN arrived_on <= :y1 THEN amount ELSE 0 END) AS upto1,
                  SUM(CASE WHEN arrived_on <= :y2 THEN amount ELSE 0 END) AS upto2
           FROM fund_arrival WHERE arrived_on <= :d GROUP BY source_id) r ON r.source_id = s.id
LEFT JOIN (SELECT source_id, SUM(CASE WHEN paid_on <= :ye THEN amount ELSE 0 END) AS before,
                  SUM(CASE WHEN paid_on > :ye THEN amount ELSE 0 END) AS this_year
           FROM disbursement WHERE paid_on <= :d GROUP BY source_id) d ON d.source_id = s.id
LEFT JOIN (SELECT source_id, SUM(CASE WHEN recovered_on <= :ye THEN amount ELSE 0 END) AS before,
                  SUM(CASE WHEN recovered_on > :ye THEN amount ELSE 0 END) AS this_year
           FROM recovery WHERE recovered_on <= :d GROUP BY source_id) c ON c.source_id = s.id
WHERE s.year <= :y
"""


def carryover_params(as_of: dt.date) -> dict:
    """The floor's dates: D, its year, the end of the year before, the two cuts (29
    February → 28 February, as the report)."""
    def back(years):
        try:
            return as_of.replace(year=as_of.year - years)
        except ValueError:
            return as_of.replace(year=as_of.year - years, day=28)

    return {"d": as_of, "y": as_of.year, "ye": dt.date(as_of.year - 1, 12, 31),
            "y1": back(1), "y2": back(2)}


def carryover_floor(session, as_of: dt.date) -> int:
    """The hand-written 结转结余 query; the number of rows fetched."""
    return len(session.execute(text(CARRYOVER), carryover_params(as_of)).all())


def ledger_floor(session, as_of: dt.date) -> int:
    """Run the four hand-written queries; the number of rows fetched."""
    n = 0
    for sql in LEDGER_FLOOR:
        n += len(session.execute(text(sql), {"d": as_of}).all())
    return n


def write_cells(path: str, shape: list[tuple[str, int, list[str]]]) -> int:
    """Write ``rows`` cells in each column of each (sheet, rows, column kinds) of
    ``shape`` with xlsxwriter alone in constant_memory mode: text for text columns, a
    number for money, rates and counts, a date for dates, as the export does."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    number = book.add_format({"num_format": "#,##0.00"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    day = dt.datetime(2025, 6, 30)
    cells = 0
    for name, rows, kinds in shape:
        ws = book.add_worksheet(name)
        for r in range(rows):
            for c, kind in enumerate(kinds):
                if kind in ("money", "rate", "int"):
                    ws.write_number(r, c, r * 1.25, number)
                elif kind == "date":
                    ws.write_datetime(r, c, day, date)
                else:
                    ws.write_string(r, c, f"XM{r:08d}", text)
            cells += len(kinds)
    book.close()
    return cells


#: The ledger's payments dated in a range, net of their reversals (as reconcile reads them).
PAYMENTS_IN_RANGE = """
SELECT d.voucher_no, d.paid_on, d.amount + COALESCE(r.taken, 0) AS amount, d.payee,
       d.payee_account, d.budget_subject
FROM disbursement d
LEFT JOIN (SELECT reverses_id, SUM(amount) AS taken FROM disbursement
           WHERE reverses_id IS NOT NULL AND paid_on <= :end GROUP BY reverses_id) r
       ON r.reverses_id = d.id
WHERE d.reverses_id IS NULL AND d.paid_on BETWEEN :start AND :end
"""


def reconcile_floor(session, path: str) -> int:
    """Read the export and the ledger's payments of its range with pandas and merge
    them on the voucher number; the number of merged rows."""
    import pandas as pd

    export = pd.read_excel(path, header=0, dtype=object, engine="openpyxl")
    dates = pd.to_datetime(export["支付日期"])
    ledger = pd.read_sql(text(PAYMENTS_IN_RANGE), session.connection(),
                         params={"start": dates.min().date(), "end": dates.max().date()})
    merged = export.merge(ledger, how="outer", left_on="支付凭证号", right_on="voucher_no",
                          indicator=True)
    return len(merged)


def write_values(source: str, path: str) -> tuple[float, int]:
    """Write every non-empty value of the workbook ``source`` to ``path`` with xlsxwriter
    alone in constant_memory mode (text as text, numbers with the money format, dates
    with the date format); the seconds spent writing (each sheet's values are read by
    calamine first, off the clock) and the cells written."""
    import time

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    number = book.add_format({"num_format": "#,##0.00"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    spent, cells = 0.0, 0
    source_book = CalamineWorkbook.from_path(source)
    for name in source_book.sheet_names:
        rows = source_book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        t = time.perf_counter()
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:
                        ws.write_string(r, c, value, text)
                        cells += 1
                elif kind is float or kind is int:
                    ws.write_number(r, c, value, number)
                    cells += 1
                elif kind is dt.date or kind is dt.datetime:
                    ws.write_datetime(r, c, value, date)
                    cells += 1
                else:
                    ws.write_string(r, c, str(value), text)
                    cells += 1
        spent += time.perf_counter() - t
        del rows
    t = time.perf_counter()
    book.close()
    return spent + time.perf_counter() - t, cells
