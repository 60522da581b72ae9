"""The benchmark of issue 6: synthetic ledgers at county, city and province scale, loaded in
bulk, then the ledger figures, the pages, the export and the import timed against floors.

``python -m bench run --scale county --db sqlite`` measures one scale on one database;
``python -m bench all`` runs the whole grid and prints one Markdown table. See README.md,
section Performance.
"""
