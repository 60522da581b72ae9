"""The reporting-upward benchmark (bench/upward.py) at a tiny scale on each database, so
that it cannot rot: every package it makes is received, the roll-up has a row per region,
and receiving one package and reading the roll-up cost a fixed number of statements."""

from __future__ import annotations

from bench.upward import measure


def test_the_upward_benchmark_receives_and_rolls_up(app):
    few = measure(app, regions=3, months=2, runs=1)
    assert few["rollup_rows"] == 3 and few["packages_stored"] == 6
    assert len(few["receive_statements"]) == 1  # the same for every package
    for name in ("rollup_api", "rollup_page", "packages_api", "city_workbook"):
        assert few[name]["ms"] > 0, name
    assert few["rollup_api"]["statements"] <= 4

