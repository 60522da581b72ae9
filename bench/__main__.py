"""python -m bench run --scale county --db sqlite | python -m bench all | python -m bench table
| python -m bench upward --db postgresql"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time

from .generate import SCALES, generate


def run(scale: str, backend: str, *, runs: int, reuse: bool, do_import: bool,
        profile: bool, only: set[str] | None = None) -> dict:
    from . import measure
    from .load import existing_database, fresh_database, load, make_app, migrate

    name = f"bench_{scale}_{backend}"
    url = existing_database(backend, name) if reuse else None
    result = {"scale": scale, "db": backend, "as_of": str(measure.AS_OF),
              "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
              "load_average_at_start": os.getloadavg()}
    previous = measure.RESULTS / f"{scale}-{backend}.json"
    old = json.loads(previous.read_text()) if previous.exists() else {}
    if only:  # measure only some figures, keep the others and what they were measured on
        result = {**result, **old}
    if url is None:
        t = time.perf_counter()
        ledger = generate(scale)
        gen_s = time.perf_counter() - t
        url = fresh_database(backend, name)
        app = make_app(url)
        t = time.perf_counter()
        rows, load_s = load(app, ledger), time.perf_counter() - t
        if not only:
            result["rows"], result["load_s"], result["generate_s"] = rows, load_s, gen_s
        else:
            result.setdefault("rows", rows)
        del ledger
        _note(f"{scale}/{backend}: generated in {gen_s:.1f} s, loaded in {load_s:.1f} s")
    else:
        result["rows"], result["load_s"] = old.get("rows"), old.get("load_s", 0)
        migrate(url)  # a database loaded before a new migration gets it (e.g. an index)
        app = make_app(url)
    only = only or {"ledger", "pages", "export", "import", "reconcile"}
    if backend == "postgresql":
        from sqlalchemy import text

        from fundtrack.extensions import db
        with app.app_context():
            result["postgres"] = db.session.scalar(text("SHOW server_version"))
            db.session.rollback()
    if "ledger" in only:
        result.update(measure.ledger(app, runs))
        _note(f"ledger {result['ledger_s']:.2f} s, floor {result['ledger_floor_s']:.2f} s")
    if "pages" in only:
        profile_to = measure.RESULTS / f"profile-{scale}-{backend}.txt" if profile else None
        result["pages"] = measure.pages(app, max(runs, 5), profile_to)
        _note("pages " + ", ".join(f"{k} {v['s'] * 1000:.0f} ms"
                                   for k, v in result["pages"].items()))
    book = measure.work_file(f"{scale}-{backend}.xlsx")
    if "export" in only or ("import" in only and do_import and not book.exists()):
        result.update(measure.export(url, app, max(1, runs // 2), book))
        _note(f"export {result['export_s']:.1f} s ({result['export_peak_mb']:.0f} MB), "
              f"floor {result['export_floor_s']:.1f} s")
    if do_import and "import" in only:
        result.update(measure.import_(backend, book, max(1, runs // 2)))
        _note(f"import {result['import_s']:.1f} s, floor {result['import_floor_s']:.1f} s")
    if "reconcile" in only and scale == "county":  # a county's year: 10,000 rows
        result.update(measure.reconcile(app, runs, measure.work_file(f"treasury-{backend}.xlsx")))
        _note(f"reconcile {result['reconcile_s']:.2f} s, "
              f"floor {result['reconcile_floor_s']:.2f} s")
    measure.save(result)
    return result


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="one scale on one database")
    one.add_argument("--scale", choices=list(SCALES), default="county")
    one.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    everything = sub.add_parser("all", help="both counties and the city on both databases")
    everything.add_argument("--province", action="store_true",
                            help="also the province on PostgreSQL (long)")
    for p in (one, everything):
        p.add_argument("--runs", type=int, default=5, help="runs per median")
        p.add_argument("--reuse", action="store_true", help="keep a database already loaded")
        p.add_argument("--no-import", action="store_true")
        p.add_argument("--profile", action="store_true", help="profile the slowest page")
        p.add_argument("--only", nargs="+", choices=("ledger", "pages", "export", "import",
                                                       "reconcile"),
                       help="measure only these, keep the other saved figures")
    up = sub.add_parser("upward", help="receiving and rolling up lower regions' packages")
    up.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    up.add_argument("--regions", type=int, default=1000)
    up.add_argument("--months", type=int, default=12, help="months of packages stored")
    up.add_argument("--runs", type=int, default=5, help="runs per median")
    sub.add_parser("table", help="print the table of the saved results")
    pl = sub.add_parser("plans", help="EXPLAIN ANALYZE the reports on a loaded PostgreSQL")
    pl.add_argument("--scale", choices=list(SCALES), default="county")
    ce = sub.add_parser("child-export")
    ce.add_argument("url")
    ce.add_argument("out")
    cv = sub.add_parser("child-floor-values")
    cv.add_argument("source")
    cv.add_argument("out")
    cf = sub.add_parser("child-floor")
    cf.add_argument("shape")
    cf.add_argument("out")
    args = parser.parse_args(argv)

    from . import measure, table

    if args.command == "child-export":
        print(json.dumps(measure.child_export(args.url, args.out)))
        return 0
    if args.command == "child-floor-values":
        print(json.dumps(measure.child_floor_values(args.source, args.out)))
        return 0
    if args.command == "child-floor":
        print(json.dumps(measure.child_floor(args.shape, args.out)))
        return 0
    if args.command == "upward":
        from .upward import run as run_upward

        print(json.dumps(run_upward(args.db, args.regions, args.months, args.runs),
                         ensure_ascii=False, indent=2))
        return 0
    if args.command == "plans":
        from .load import existing_database, make_app
        from .plans import explain

        url = existing_database("postgresql", f"bench_{args.scale}_postgresql")
        if url is None:
            parser.error(f"run `python -m bench run --scale {args.scale} --db postgresql` first")
        out = measure.RESULTS / f"plans-{args.scale}-postgresql.txt"
        print("\n".join(explain(make_app(url), out)))
        return 0
    if args.command == "run":
        grid = [(args.scale, args.db)]
    elif args.command == "all":
        grid = [(s, d) for s in ("county", "county_real", "city")
                for d in ("sqlite", "postgresql")]
        grid += [("province", "postgresql")] if args.province else []
    else:
        grid = []
    for scale, backend in grid:
        run(scale, backend, runs=args.runs if scale != "province" else 3, reuse=args.reuse,
            do_import=not args.no_import and scale.startswith("county"),
            profile=args.profile,
            only=set(args.only) if args.only else None)
    print(table.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
