"""The measurements: ledger figures, pages, export, import, reconciliation (对账), each a
median of runs."""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import event, func, select

from fundtrack import sheets
from fundtrack.database import read_only
from fundtrack.extensions import db

from .floors import carryover_floor, ledger_floor, reconcile_floor
from .generate import AS_OF
from .load import BENCH_PASSWORD, BENCH_USER, WORK, drop_database, fresh_database, make_app

RESULTS = Path(__file__).parent / "results"


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


# --- 1. ledger figures -------------------------------------------------------------


def ledger(app, runs: int) -> dict:
    from fundtrack.ledger import allocation_ledger, fund_ledger, project_ledger, summary

    reports = (project_ledger, allocation_ledger, fund_ledger, summary)
    with app.app_context(), read_only():
        def all_reports():
            return sum(len(r(AS_OF).rows) for r in reports)

        def floor():
            return ledger_floor(db.session, AS_OF)

        all_reports()  # warm the caches once, for both
        t_app, rows = median_time(all_reports, runs)
        t_floor, _ = median_time(floor, runs)
        each = {r.__name__: median_time(lambda r=r: r(AS_OF), runs)[0] for r in reports}
        # 结转结余: the report computed each time (not the figure kept by @cached)
        from fundtrack.ledger import carryover

        carryover.uncached(AS_OF)
        t_carry, report = median_time(lambda: carryover.uncached(AS_OF), runs)
        t_carry_floor, floor_rows = median_time(
            lambda: carryover_floor(db.session, AS_OF), runs)
        assert report.count == floor_rows, (report.count, floor_rows)
        db.session.rollback()
    return {"ledger_s": t_app, "ledger_floor_s": t_floor, "ledger_rows": rows,
            "ledger_each_s": each, "carryover_s": t_carry, "carryover_floor_s": t_carry_floor,
            "carryover_rows": report.count}


# --- 2. pages -----------------------------------------------------------------------


def page_paths(app) -> dict[str, str]:
    from fundtrack.funds.models import Disbursement
    from fundtrack.projects.models import Project

    with app.app_context():
        busiest = db.session.execute(
            select(Disbursement.project_id, func.count()).group_by(Disbursement.project_id)
            .order_by(func.count().desc(), Disbursement.project_id).limit(1)).first()
        code = db.session.get(Project, busiest[0]).code
        db.session.rollback()
    return {"dashboard": "/", "dashboard_warnings": "/warnings/counts",
            "ledger_projects": "/ledger/projects", "project": f"/projects/{code}"}


def signed_in_client(app):
    client = app.test_client()
    r = client.post("/login", data={"username": BENCH_USER, "password": BENCH_PASSWORD})
    assert r.status_code in (302, 303), r.status_code
    return client


def pages(app, runs: int, profile_to: Path | None = None) -> dict:
    """Each page twice: for the first reader after a write (no figure kept: the cache is
    emptied before each run) and for the next readers (figures kept since the run
    before)."""
    from fundtrack import cache

    client = signed_in_client(app)
    out = {}
    with app.app_context():
        engine = db.engine

    def first(path):
        cache.clear(app)
        return client.get(path)

    for name, path in page_paths(app).items():
        assert client.get(path).status_code == 200, path  # warm-up
        entry = {"path": path}
        for way, get in (("", first), ("next_", client.get)):
            get(path)
            seen = []

            def count(conn, cursor, statement, *args, seen=seen):
                if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
                    seen.append(statement)

            event.listen(engine, "before_cursor_execute", count)
            try:
                get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            t, _ = median_time(lambda p=path, get=get: get(p), runs)
            entry[f"{way}s"], entry[f"{way}statements"] = t, len(seen)
        out[name] = entry
    if profile_to is not None:
        slowest = max(out.values(), key=lambda v: v["s"])
        prof = cProfile.Profile()
        from fundtrack import cache

        cache.clear(app)
        prof.enable()
        client.get(slowest["path"])
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
        profile_to.write_text(f"# profile of {slowest['path']}\n{buf.getvalue()}")
    return out


# --- 3. export (in a child process, for its peak memory) ----------------------------


def sheet_shape(app) -> list[tuple[str, int, list[str]]]:
    """(sheet, rows, column kinds) of the audit workbook, for the floor to write as many
    cells of the same types."""
    from fundtrack.funds.models import Allocation, Disbursement, FundArrival, FundSource
    from fundtrack.ledger import overdue_list, summary
    from fundtrack.milestones.models import Milestone
    from fundtrack.projects.models import Project

    with app.app_context(), read_only():
        def n(model):
            return db.session.scalar(select(func.count()).select_from(model))

        pairs = db.session.scalar(select(func.count()).select_from(
            select(Allocation.project_id, Allocation.source_id).distinct().subquery()))
        data = {sheets.SOURCES: n(FundSource), sheets.ARRIVALS: n(FundArrival),
                sheets.PROJECTS: n(Project), sheets.MILESTONES: n(Milestone),
                sheets.ALLOCATIONS: n(Allocation), sheets.DISBURSEMENTS: n(Disbursement)}
        computed = {sheets.PROJECT_LEDGER: n(Project) + 3, sheets.ALLOCATION_LEDGER: pairs + 3,
                    sheets.FUND_LEDGER: n(FundSource) + 3,
                    sheets.OVERDUE_LIST: overdue_list(AS_OF).count + 2,
                    sheets.SUMMARY: summary(AS_OF).count + 3}
        db.session.rollback()
    shape = [(s.name, rows + 1, [c.kind for c in s.columns]) for s, rows in data.items()]
    shape += [(s.name, rows, [c.kind for c in s.columns]) for s, rows in computed.items()]
    return shape


def _child(args: list[str]) -> dict:
    """Run ``python -m bench <args>`` and return its JSON line plus its peak memory."""
    proc = subprocess.Popen([sys.executable, "-m", "bench", *args], stdout=subprocess.PIPE,
                            cwd=Path(__file__).parent.parent)
    out = proc.stdout.read()
    _, status, _usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"bench child {args} failed ({proc.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1])


def peak_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM). ru_maxrss would also
    count the parent's memory inherited by the fork before exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def export(url: str, app, runs: int, out: Path) -> dict:
    shape = sheet_shape(app)
    cells = sum(r * len(kinds) for _, r, kinds in shape)
    floor_out = out.with_suffix(".floor.xlsx")
    apps = [_child(["child-export", url, str(out)]) for _ in range(runs)]
    floors = [_child(["child-floor", json.dumps(shape), str(floor_out)]) for _ in range(runs)]
    same = [_child(["child-floor-values", str(out), str(floor_out)]) for _ in range(runs)]
    floor_out.unlink(missing_ok=True)
    return {
        "export_s": statistics.median(a["s"] for a in apps),
        "export_peak_mb": max(a["peak_mb"] for a in apps),
        "export_floor_s": statistics.median(f["s"] for f in floors),
        "export_floor_peak_mb": max(f["peak_mb"] for f in floors),
        "export_values_floor_s": statistics.median(f["s"] for f in same),
        "export_cells": cells, "export_bytes": out.stat().st_size,
        "export_sheets": apps[-1]["sheets"],
    }


def child_export(url: str, out: str) -> dict:
    from fundtrack.workbook.export import export_workbook

    app = make_app(url)
    with app.app_context():
        t = time.perf_counter()
        export_workbook(out, as_of=AS_OF)
        s = time.perf_counter() - t
    import zipfile

    with zipfile.ZipFile(out) as z:
        n_sheets = len([n for n in z.namelist() if n.startswith("xl/worksheets/sheet")])
    return {"s": s, "sheets": n_sheets, "peak_mb": peak_mb()}


def child_floor(shape: str, out: str) -> dict:
    from .floors import write_cells

    t = time.perf_counter()
    cells = write_cells(out, [tuple(x) for x in json.loads(shape)])
    return {"s": time.perf_counter() - t, "cells": cells, "peak_mb": peak_mb()}


def child_floor_values(source: str, out: str) -> dict:
    from .floors import write_values

    s, cells = write_values(source, out)
    return {"s": s, "cells": cells, "peak_mb": peak_mb()}


# --- 4. import ----------------------------------------------------------------------


def import_(backend: str, book: Path, runs: int) -> dict:
    from fundtrack.workbook.importer import import_workbook

    floors = [calamine_floor(book) for _ in range(runs)]
    times = []
    for _ in range(runs):
        url = fresh_database(backend, f"bench_import_{backend}")
        app = make_app(url)
        with app.app_context():
            t = time.perf_counter()
            report = import_workbook(book, actor="bench")
            times.append(time.perf_counter() - t)
            if not report.ok:
                raise RuntimeError(f"import refused: {report.problems[:5]}")
            rows = sum(report.counts.values())
            db.engine.dispose()
        drop_database(backend, url)
    return {"import_s": statistics.median(times),
            "import_floor_s": statistics.median(floors), "import_floor": "calamine",
            "import_rows": rows}


# --- 5. reconciliation (对账) ---------------------------------------------------------

#: A county's year of treasury rows (issue 19).
TREASURY_ROWS = 10_000


def treasury_export(app, out: Path) -> dict:
    """A treasury export of the ledger's latest ``TREASURY_ROWS`` payments (reversals
    netted, a payment reversed whole left out) as the treasury lists them, then changed
    as a real one would be: 1% left out, 1% added, 1% with another amount, 1% with
    another payee. Returns what it holds."""
    import datetime as dt

    import xlsxwriter

    from fundtrack.treasury.queries import ledger_payments

    with app.app_context(), read_only():
        payments = ledger_payments(dt.date(1900, 1, 1), dt.date(9999, 12, 31))
        db.session.rollback()
    payments.sort(key=lambda p: (p.paid_on, p.voucher_no))
    chosen = payments[-TREASURY_ROWS:]
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = book.add_worksheet("国库集中支付明细")
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(("支付凭证号", "支付日期", "支付金额", "收款人", "收款账号",
                           "预算科目", "指标文号")):
        ws.write_string(0, c, h)
    row, kept, added = 1, 0, 0
    for i, p in enumerate(chosen):
        if i % 100 == 1:  # left out of the treasury's export
            continue
        amount = p.amount + (1 if i % 100 == 2 else 0)
        payee = "另一收款单位" if i % 100 == 3 else (p.payee or "")
        for c, v in enumerate((p.voucher_no, None, None, payee, p.payee_account or "",
                               p.budget_subject or "", p.document_no or "")):
            if c == 0 or v:
                ws.write_string(row, c, v)
        ws.write_datetime(row, 1, dt.datetime.combine(p.paid_on, dt.time()), day)
        ws.write_number(row, 2, float(amount), money)
        row, kept = row + 1, kept + 1
        if i % 100 == 4:  # a payment only the treasury has
            ws.write_string(row, 0, f"GK{i:08d}")
            ws.write_datetime(row, 1, dt.datetime.combine(p.paid_on, dt.time()), day)
            ws.write_number(row, 2, 123.45, money)
            ws.write_string(row, 3, "县供电公司")
            row, added = row + 1, added + 1
    book.close()
    return {"treasury_rows": row - 1, "treasury_ledger_payments": len(chosen),
            "treasury_from_ledger": kept, "treasury_added": added}


def reconcile(app, runs: int, out: Path) -> dict:
    """fundtrack reconcile FILE --json, in process (reading the export, the ledger's
    payments of its range, matching, the JSON object), against the pandas floor."""
    from fundtrack.treasury import service as treasury

    shape = treasury_export(app, out)
    with app.app_context(), read_only():
        def run():
            done = treasury.reconcile(out)
            if not done.ok:
                raise RuntimeError(f"reconcile refused: {done.export.problems[:5]}")
            body = treasury.as_json(done.result)
            json.dumps(body, ensure_ascii=False)
            return body

        def floor():
            return reconcile_floor(db.session, str(out))

        run()  # warm the caches once, for both
        t_app, body = median_time(run, runs)
        t_floor, _ = median_time(floor, runs)
        # CPU time too: on a shared machine the wall time says as much about the others
        cpu_app, cpu_floor = median_cpu(run, runs), median_cpu(floor, runs)
        db.session.rollback()
    counts = {"matched": body["matched"], "only_in_treasury": len(body["only_in_treasury"]),
              "only_in_ledger": len(body["only_in_ledger"]), "differ": len(body["differ"])}
    return {"reconcile_s": t_app, "reconcile_floor_s": t_floor, **shape,
            "reconcile_cpu_s": cpu_app, "reconcile_floor_cpu_s": cpu_floor,
            "reconcile_counts": counts, "reconcile_load_average": os.getloadavg()}


def median_cpu(fn, runs: int) -> float:
    """The median CPU time of ``fn`` in this process (the database server's, for
    PostgreSQL, not counted)."""
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


#: The import's floor: every sheet read by pandas with python-calamine, in a process of
#: its own (interpreter and pandas started included), as a user would run it.
CALAMINE_FLOOR = ("import sys, pandas; pandas.read_excel(sys.argv[1], sheet_name=None, "
                  "engine='calamine')")


def calamine_floor(book: Path) -> float:
    """Seconds of a whole process reading ``book`` with pandas' calamine engine."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", CALAMINE_FLOOR, str(book)], check=True)
    return time.perf_counter() - t


def save(result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result['scale']}-{result['db']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return path


def work_file(name: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK / name
