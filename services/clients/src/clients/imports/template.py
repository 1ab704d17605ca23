"""The import template: a header row of column keys; in XLSX also a row of labels,
a comment per column and dropdowns with the exact labels of list fields.

Synchronous (openpyxl); the service runs it in a worker thread.
"""

import csv
import io

from clients.imports.columns import COLUMNS, Column, choices
from clients.imports.parse import MAX_ROWS

DATA_SHEET = "clients"
LISTS_SHEET = "lists"


def csv_template() -> bytes:
    """UTF-8 with a BOM, so that Excel opens it as UTF-8; one header row of keys."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([c.key for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _comment(column: Column) -> str:
    text = f"{column.label}. {column.hint}"
    if column.key in ("consent_statement_version", "consent_language"):
        text += " Required: the client accepted this privacy statement."
    return text


def xlsx_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    first, last = 3, MAX_ROWS + 2  # data rows under the keys and the labels
    list_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        key = sheet.cell(row=1, column=index, value=column.key)
        key.font = Font(bold=True)
        key.comment = Comment(_comment(column), "OCMS")
        label = sheet.cell(row=2, column=index, value=column.label)
        label.font = Font(italic=True, color="666666")
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.label) + 2))
        # Cells are text: Excel must not turn dates or identifiers into numbers.
        sheet.column_dimensions[letter].number_format = "@"
        area = f"{letter}{first}:{letter}{last}"
        if column.kind == "yes_no":
            check = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
        elif column.kind in ("choice", "many_choice"):
            list_column += 1
            source = get_column_letter(list_column)
            labels = choices(column)
            lists.cell(row=1, column=list_column, value=column.key)
            for row, value in enumerate(labels, start=2):
                lists.cell(row=row, column=list_column, value=value)
            check = DataValidation(
                type="list",
                formula1=f"{LISTS_SHEET}!${source}$2:${source}${len(labels) + 1}",
                allow_blank=True,
            )
            # Several values in one cell are typed, so the list only suggests there.
            check.showErrorMessage = column.kind == "choice"
        else:
            continue
        check.error = "Pick a value from the list"
        check.errorTitle = column.label
        sheet.add_data_validation(check)
        check.add(area)
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
