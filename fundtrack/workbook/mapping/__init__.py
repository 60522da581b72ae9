"""Import from a county's own ledger (台账) layout: find its header, propose a mapping of
its columns to fundtrack's fields, convert its rows into the importer's records.

- ``grid``: the one place that reads cells of a county workbook (any sheet, any layout);
- ``header``: where the table starts (title rows, 单位:万元, two-row merged headers);
- ``fields`` / ``propose``: fundtrack's fields a column may be mapped to, and the proposal
  from the county's words (a synonym table);
- ``convert``: mapped rows → records of the importer's sheets (projects, allocations per
  channel, one summary payment 期初数 per project × channel, milestones), with the
  county's sheet, row and header on every problem.

These modules are pure (no database): ``plan`` (the check against the ledger) and the
importer do the rest.
"""
