"""iCARE export benchmark: synthetic service records and the export of 50,000."""
