"""The ledger workbook: import (importer.import_workbook) and export
(export.export_workbook), in the one format of CONTRACT.md."""
