"""Writing collection emails: the offline writer and the ledger check every email must pass."""
