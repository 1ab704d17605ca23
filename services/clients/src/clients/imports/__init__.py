"""Importing existing clients from a filled template (CSV or XLSX)."""
