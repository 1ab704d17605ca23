"""Reference data OCMS uses, as data files with a small typed API.

- `reference.icare.catalog`: IRCC's iCARE bulk-upload templates, one folder of JSON per
  template generation (`icare/templates/<version>/`), written by
  `scripts/extract_icare_templates.py` from the reference workbooks.
- `reference.code_lists`: OCMS's own lists for client profiles (gender, language,
  country, ...). Where an iCARE template carries the same concept, the list is read
  from the template description, so its labels are iCARE's exactly.
"""
