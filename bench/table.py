"""One Markdown table of every result in bench/results/, with ratios to the floors and
between scales (growth)."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
ORDER = ("county", "county_real", "city", "province")

#: (label, key, floor key or None, target text, unit)
ROWS = (
    ("ledger: 4 reports, all rows", "ledger_s", "ledger_floor_s", "≤ 3× floor", "s"),
    ("ledger: 结转结余, all rows", "carryover_s", "carryover_floor_s", "≤ 3× floor", "s"),
    *(
        (f"page: {label}{way_label}", f"page_{way}{key}", None,
         "< 150 ms county; ≤ 3× county", "ms")
        for key, label in (("dashboard", "dashboard"),
                           ("dashboard_warnings", "dashboard's warning block"),
                           ("ledger_projects", "/ledger/projects"), ("project", "project page"))
        for way, way_label in (("", ", first reader after a write"), ("next_", ", next readers"))
    ),
    ("export: audit workbook", "export_s", "export_floor_s", "≤ 1.5× floor", "s"),
    ("export: against its own values written by xlsxwriter alone", "export_s",
     "export_values_floor_s", "≤ 1.5× floor", "s"),
    ("export: peak memory", "export_peak_mb", "export_floor_peak_mb", "< 400 MB city", "MB"),
    ("import: county workbook", "import_s", "import_floor_s", "≤ 4× calamine floor", "s"),
    ("reconcile: 10,000 treasury rows", "reconcile_s", "reconcile_floor_s", "< 3 s", "s"),
    ("reconcile: its CPU time", "reconcile_cpu_s", "reconcile_floor_cpu_s", "", "s"),
)


def load_results() -> dict[tuple[str, str], dict]:
    out = {}
    for path in sorted(RESULTS.glob("*.json")):
        r = json.loads(path.read_text())
        if "scale" in r and "db" in r:
            out[(r["scale"], r["db"])] = r
    return out


def _value(r: dict, key: str):
    if key.startswith("page_"):
        way, name = _page_key(key)
        page = r.get("pages", {}).get(name)
        return None if page is None or f"{way}s" not in page else page[f"{way}s"] * 1000
    return r.get(key)


def _page_key(key: str) -> tuple[str, str]:
    """"page_next_dashboard" → ("next_", "dashboard"); "page_dashboard" → ("", ...)."""
    name = key[len("page_"):]
    if name.startswith("next_"):
        return "next_", name[len("next_"):]
    return "", name


def _fmt(v, unit):
    if v is None:
        return "–"
    if unit == "ms":
        return f"{v:.0f} ms"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def render(results: dict | None = None) -> str:
    results = results or load_results()
    cols = [(s, d) for s in ORDER for d in ("sqlite", "postgresql") if (s, d) in results]
    head = "| measure | target | " + " | ".join(f"{s} {d}" for s, d in cols)
    head += " | growth city/county (sqlite, pg) | growth province/city (pg) |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for label, key, floor, target, unit in ROWS:
        cells = []
        for c in cols:
            r = results[c]
            v = _value(r, key)
            text = _fmt(v, unit)
            if floor and v is not None and r.get(floor):
                which = ""
                if key == "import_s":  # results before issue 21: pandas with openpyxl
                    which = f"{r.get('import_floor', 'openpyxl')} "
                text += f" ({v / r[floor]:.1f}× {which}floor {_fmt(r[floor], unit)})"
            if key.startswith("page_") and v is not None:
                way, name = _page_key(key)
                text += f", {r['pages'][name][f'{way}statements']} stmts"
            cells.append(text)
        growth = []
        for pair in ((("city", "sqlite"), ("county", "sqlite")),
                     (("city", "postgresql"), ("county", "postgresql"))):
            a, b = (results.get(p) for p in pair)
            va, vb = (_value(a, key) if a else None), (_value(b, key) if b else None)
            growth.append(f"{va / vb:.1f}×" if va and vb else "–")
        a, b = results.get(("province", "postgresql")), results.get(("city", "postgresql"))
        va, vb = (_value(a, key) if a else None), (_value(b, key) if b else None)
        lines.append(f"| {label} | {target} | " + " | ".join(cells)
                     + f" | {', '.join(growth)} | {f'{va / vb:.1f}×' if va and vb else '–'} |")
    sizes = []
    for c in cols:
        n = results[c]["rows"]
        sizes.append(f"{c[0]} {c[1]}: {n['project']:,} projects, {n['milestone']:,} milestones, "
                     f"{n['disbursement']:,} payments, {n['fund_source']:,} channels "
                     f"(bulk load {results[c]['load_s']:.0f} s"
                     + (f"; load average {results[c]['load_average_at_start'][0]:.1f} at start"
                        if results[c].get("load_average_at_start") else "") + ")")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {s}" for s in sizes) + "\n"
