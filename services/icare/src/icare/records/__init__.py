"""iCARE rows built from the local copies, and the readiness checks run on them."""
