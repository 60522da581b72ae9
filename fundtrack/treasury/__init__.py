"""对账: the treasury's records (预算管理一体化) matched against the ledger's payments."""
