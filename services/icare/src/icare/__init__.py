"""OCMS icare: iCARE templates, readiness checks, bulk upload workbooks, ledger, schedule."""
