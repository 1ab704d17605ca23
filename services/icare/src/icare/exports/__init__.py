"""Export runs (zip of workbooks in object storage) and the ledger of what was sent."""
