"""One iCARE bulk-upload workbook (.xlsx bytes), built as IRCC builds the template.

Sheets, in order: the template sheet (visible), `LOV` and `LOVIds` (hidden), as in IRCC's
untouched template. The template sheet has the three-line title merged across row 1,
the field ids in hidden row 2, the labels in row 3 (orange text when required), then
one record per row from row 4, every cell text-formatted. Each choice column has a list
validation on rows 4..2503 pointing at its values in the same column of `LOV` (from row
3; row 1 is the info line, row 2 the "Mandatory=…;" flags); `LOVIds` holds their iCARE
ids at the same places.

Written with xlsxwriter, each sheet kept in memory (shared strings, no temporary file):
for files of at most 2,500 rows it measured the least CPU
(bench/icare_export: openpyxl's write-only mode took 2.4 times the CPU of xlsxwriter,
xlsxwriter's constant_memory mode ~25 % more CPU for ~30 MiB less peak memory). Sheets
are still written top to bottom, so constant_memory stays a drop-in choice.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import quote_sheetname, xl_col_to_name  # type: ignore[import-untyped]
from xlsxwriter.workbook import Workbook  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from icare.workbooks import styles
from icare.workbooks.rows import Row, cells_of
from reference.icare import Field, Template

__all__ = ["LOV_FIRST_ROW", "build_workbook", "write_workbook"]

LOV_FIRST_ROW = 3  # 1-based: row 1 is the info line, row 2 the mandatory flags
_LOCALE = "en-CA"


def write_workbook(template: Template, rows: Sequence[Row]) -> bytes:
    """The .xlsx bytes of one file of `template` holding `rows` (at most 2,500).

    Raises ValueError (naming the field and the row) before writing anything when a row
    has a field the template lacks or a value outside its list; see `rows.cells_of`.
    """
    return build_workbook(template, rows)


def build_workbook(
    template: Template, rows: Sequence[Row], *, constant_memory: bool = False
) -> bytes:
    """`write_workbook` with xlsxwriter's mode as a choice (the benchmark compares them).

    constant_memory: rows stream to a temporary file (strings inline, rows written once,
    top to bottom); otherwise each sheet is kept in memory with a shared-string table.
    The same workbook either way.
    """
    cells = cells_of(template, rows)
    out = io.BytesIO()
    options = {"constant_memory": True} if constant_memory else {"in_memory": True}
    workbook = xlsxwriter.Workbook(out, options)
    # Sheet order is IRCC's: the visible template first, then its hidden value lists.
    sheet = workbook.add_worksheet(template.sheet_name)
    lov = workbook.add_worksheet(template.lov_sheet_name)
    lov_ids = workbook.add_worksheet(template.lov_ids_sheet_name)
    lov.hide()
    lov_ids.hide()
    sheet.activate()
    _write_template_sheet(workbook, sheet, template, cells)
    _write_value_lists(lov, lov_ids, template)
    workbook.close()
    return out.getvalue()


def _write_template_sheet(
    workbook: Workbook, sheet: Worksheet, template: Template, cells: list[list[str | None]]
) -> None:
    fields = template.fields
    last_col = len(fields) - 1
    data = workbook.add_format(styles.DATA)
    field_id = workbook.add_format(styles.FIELD_ID)
    required = workbook.add_format(styles.LABEL_REQUIRED)
    optional = workbook.add_format(styles.LABEL_OPTIONAL)

    # Column style '@': a cell typed into any empty row in Excel is text as well.
    for col, f in enumerate(fields):
        sheet.set_column(col, col, styles.column_width(f.label), data)

    title_row, id_row, label_row = 0, template.id_row - 1, template.label_row - 1
    sheet.set_row(title_row, styles.TITLE_ROW_HEIGHT)
    sheet.merge_range(
        title_row, 0, title_row, last_col, template.title_cell, workbook.add_format(styles.TITLE)
    )
    sheet.set_row(id_row, None, None, {"hidden": True})
    for col, f in enumerate(fields):
        sheet.write_string(id_row, col, f.id, field_id)
    sheet.set_row(label_row, styles.LABEL_ROW_HEIGHT)
    for col, f in enumerate(fields):
        sheet.write_string(label_row, col, f.label, required if f.required else optional)

    first, last = template.first_data_row - 1, template.last_data_row - 1
    lov_name = quote_sheetname(template.lov_sheet_name)
    for col, f in enumerate(fields):
        if f.values:
            letter = xl_col_to_name(col)
            end = LOV_FIRST_ROW + len(f.values) - 1
            source = f"={lov_name}!${letter}${LOV_FIRST_ROW}:${letter}${end}"
            sheet.data_validation(first, col, last, col, {"validate": "list", "source": source})

    # The hot loop of an export. Empty cells are not written: the column style ('@')
    # is theirs, as for any cell typed later (IRCC's file has styled blanks instead;
    # writing them measured 10-30 % slower for the same behaviour in Excel).
    write_string = sheet.write_string
    for row, row_cells in enumerate(cells, start=first):
        for col, text in enumerate(row_cells):
            if text is not None:
                write_string(row, col, text, data)


def _write_value_lists(lov: Worksheet, lov_ids: Worksheet, template: Template) -> None:
    fields = template.fields
    info = template.lov_info or {}
    lov.set_column(0, len(fields) - 1, styles.LOV_WIDTH)
    # Row 1: "info", the column count, IRCC's template number (where known), the locale.
    lov.write_string(0, 0, "info")
    lov.write_number(0, 1, len(fields))
    if info.get("template_number") is not None:
        lov.write_number(0, 2, int(info["template_number"]))
    lov.write_string(0, 3, str(info.get("locale") or _LOCALE))
    for col, f in enumerate(fields):
        lov.write_string(1, col, f"Mandatory={'true' if f.required else 'false'};")

    choices: list[tuple[int, Field]] = [(c, f) for c, f in enumerate(fields) if f.values]
    depth = max((len(f.values or ()) for _, f in choices), default=0)
    # Row by row (so that constant_memory, which writes each row once, works too).
    for i in range(depth):
        row = LOV_FIRST_ROW - 1 + i
        for col, f in choices:
            values = f.values or ()
            if i < len(values):
                lov.write_string(row, col, values[i])
                if f.value_ids is not None:
                    lov_ids.write_string(row, col, str(f.value_ids[i]))
