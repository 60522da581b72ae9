"""月结: closing a month of the ledger (see service.py for the rules)."""
