"""EXPLAIN (ANALYZE, BUFFERS) of every statement the four ledger reports run, on
PostgreSQL, to check which indexes serve them and where a table is read whole."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import event

from fundtrack.database import read_only
from fundtrack.extensions import db

from .generate import AS_OF


def explain(app, out: Path) -> list[str]:
    """Write the plans to ``out``; returns the one-line summary of each statement."""
    from fundtrack.ledger import allocation_ledger, fund_ledger, project_ledger, summary

    captured: list[tuple[str, object, str]] = []
    current = [""]

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters, current[0]))

    with app.app_context(), read_only():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", capture)
        try:
            for report in (project_ledger, allocation_ledger, fund_ledger, summary):
                current[0] = report.__name__
                report(AS_OF)
            current[0] = "project_ledger, first page"
            project_ledger(AS_OF, page=1, per_page=50)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        lines, summaries = [], []
        conn = db.session.connection()
        for statement, parameters, name in captured:
            plan = [r[0] for r in conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]
            seq = sorted(set(re.findall(r"Seq Scan on (\w+)", "\n".join(plan))))
            idx = sorted(set(re.findall(r"Index (?:Only )?Scan using (\w+)", "\n".join(plan))))
            total = next((p for p in plan if p.startswith("Execution Time")), "")
            summaries.append(f"{name}: {total}; index: {', '.join(idx) or '-'}; "
                             f"seq scan: {', '.join(seq) or '-'}")
            lines += [f"-- {name}", statement, *plan, ""]
        db.session.rollback()
    out.write_text("\n".join(summaries) + "\n\n" + "\n".join(lines))
    return summaries
