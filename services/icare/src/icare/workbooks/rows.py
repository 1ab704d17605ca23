"""Records as the workbook takes them: one `Row` per record, checked against its template.

A row maps field ids (row 2 of the template, never labels: labels repeat) to the text
of the cell. Checking happens before anything is written, so a refused file is refused
whole, with the field and the row named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from reference.icare import Template

__all__ = ["MAX_CELL_CHARS", "MAX_RECORDS_PER_FILE", "Row", "cells_of", "split_rows"]

Row: TypeAlias = Mapping[str, str | None]  # field id -> cell text (exact labels, YYYY-MM-DD)

# Rows 4..2503 of IRCC's templates: iCARE reads no further.
MAX_RECORDS_PER_FILE = 2500

# Excel's limit for one cell; a longer text would be cut silently by the writer.
MAX_CELL_CHARS = 32767


def split_rows(rows: Sequence[Row], limit: int = MAX_RECORDS_PER_FILE) -> list[Sequence[Row]]:
    """Consecutive slices of at most `limit` rows, in order; none for no rows."""
    if not 1 <= limit <= MAX_RECORDS_PER_FILE:
        raise ValueError(f"limit must be between 1 and {MAX_RECORDS_PER_FILE}, not {limit}")
    return [rows[start : start + limit] for start in range(0, len(rows), limit)]


def cells_of(template: Template, rows: Sequence[Row]) -> list[list[str | None]]:
    """Every row as its cells in column order, or ValueError naming the field and row.

    Refused: more rows than a file holds, a field id the template does not have, a
    value outside the field's list (exact labels: case, punctuation and trailing
    spaces count), a value that is not text, a text longer than a cell holds.
    Empty text is an empty cell. A `datetime.date` is accepted and written YYYY-MM-DD.
    """
    if len(rows) > template.max_rows:
        raise ValueError(
            f"{len(rows)} rows for iCARE template {template.name!r}: a file holds at most "
            f"{template.max_rows} records (rows {template.first_data_row}.."
            f"{template.last_data_row}); split them with split_rows()"
        )
    fields = template.fields
    column = {f.id: i for i, f in enumerate(fields)}
    allowed = [frozenset(f.values) if f.values is not None else None for f in fields]
    width = len(fields)
    out: list[list[str | None]] = []
    for number, row in enumerate(rows, start=1):
        cells: list[str | None] = [None] * width
        for field_id, value in row.items():
            i = column.get(field_id)
            if i is None:
                raise ValueError(
                    f"{_where(template, number)}: unknown field {field_id!r} "
                    f"(fields are the technical ids of row {template.id_row}, "
                    f"e.g. {fields[-1].id!r})"
                )
            if value is None or value == "":
                continue
            text = _text(template, number, field_id, value)
            choices = allowed[i]
            if choices is not None and text not in choices:
                field = fields[i]
                raise ValueError(
                    f"{_where(template, number)}: field {field_id!r} ({field.label!r}): "
                    f"{text!r} is not one of its {len(choices)} values "
                    f"(list {field.list_name!r}; exact labels)"
                )
            cells[i] = text
        out.append(cells)
    return out


def _text(template: Template, number: int, field_id: str, value: object) -> str:
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise ValueError(
                f"{_where(template, number)}: field {field_id!r}: {len(value)} characters, "
                f"a cell holds at most {MAX_CELL_CHARS}"
            )
        return value
    # A date (not a datetime: a time of day has no place in a YYYY-MM-DD cell).
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise ValueError(
        f"{_where(template, number)}: field {field_id!r}: {type(value).__name__} value "
        f"{value!r}; cells are text (dates YYYY-MM-DD)"
    )


def _where(template: Template, number: int) -> str:
    return f"{template.name} row {number} (sheet row {template.first_data_row + number - 1})"
