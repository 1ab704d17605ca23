"""iCARE bulk-upload workbooks: write the files IRCC's templates describe, read back
iCARE's rejected-records files. Pure functions over bytes: no database, no storage.

    write_workbook(template, rows) -> .xlsx bytes (at most 2,500 rows)
    split_rows(rows) -> slices of 2,500;  file_name(...);  export_zip(files, manifest)
    read_rejected(data) -> (template, [RejectedRow])
"""

from icare.workbooks.archive import MANIFEST_NAME, export_zip
from icare.workbooks.naming import file_name
from icare.workbooks.rejected import RejectedRow, parse_processing_details, read_rejected
from icare.workbooks.rows import MAX_RECORDS_PER_FILE, Row, split_rows
from icare.workbooks.writer import write_workbook

__all__ = [
    "MANIFEST_NAME",
    "MAX_RECORDS_PER_FILE",
    "RejectedRow",
    "Row",
    "export_zip",
    "file_name",
    "parse_processing_details",
    "read_rejected",
    "split_rows",
    "write_workbook",
]
