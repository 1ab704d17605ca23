"""iCARE's returned rejected-records file, read back into rows.

iCARE returns the template workbook it was given with `Processing Details` filled on
each rejected row:

    [BUID:305939,RID:,ORP:4/5,DTS:2018-08-07 10:05:04][1] (Client) Unable to validate
    against database. / (Client) Impossible de valider dans la base de données.

The template is recognised by its hidden field-id row (row 2), and cells are read by
field id, never by label (labels repeat inside a template).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from reference.icare import Template, catalog

__all__ = ["PROCESSING_DETAILS", "RejectedRow", "parse_processing_details", "read_rejected"]

PROCESSING_DETAILS = "processing_details"  # the field id of column A
UPDATE_RECORD_ID = "update_record_id"

_MARKERS = re.compile(r"\s*\[(?P<markers>[A-Za-z]+:[^\]]*)\]")
_NUMBERED = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class RejectedRow:
    """One row of a returned file."""

    template: str  # the template's name, e.g. "client_profile"
    row_number: int  # the sheet row (4 is the first record)
    cells: dict[str, str | None]  # every field id except processing_details -> text
    processing_details: str  # as iCARE wrote it ("" when empty)
    messages: list[str]  # each numbered message, "English / French" as written
    update_record_id: str | None
    markers: dict[str, str]  # BUID, RID, ORP, DTS (RID is "" before iCARE assigns one)


def parse_processing_details(text: str) -> tuple[dict[str, str], list[str]]:
    """(markers, messages) of a Processing Details cell.

    `[BUID:1,RID:,ORP:4/5,DTS:2018-08-07 10:05:04][1] a / b [2] c / d` gives
    ({"BUID": "1", "RID": "", "ORP": "4/5", "DTS": "2018-08-07 10:05:04"},
     ["a / b", "c / d"]). A text without the bracketed markers is one message.
    """
    text = text.strip()
    markers: dict[str, str] = {}
    found = _MARKERS.match(text)
    if found:
        for part in found.group("markers").split(","):
            key, _, value = part.partition(":")  # DTS holds ':' in its time: first only
            if key.strip():
                markers[key.strip()] = value.strip()
        text = text[found.end() :]
    pieces = _NUMBERED.split(text)
    # split gives [before, n1, message1, n2, message2, ...]
    messages = [pieces[0].strip()] if pieces[0].strip() else []
    messages += [m.strip() for m in pieces[2::2] if m.strip()]
    return markers, messages


def read_rejected(data: bytes) -> tuple[Template, list[RejectedRow]]:
    """The template of a returned file and its non-empty rows, in sheet order.

    ValueError when `data` is not an .xlsx workbook or no sheet of it carries the
    field-id row of a known iCARE template.
    """
    # openpyxl cannot read Excel's x14 validation extension (IRCC's dropdowns) and says
    # so while parsing each sheet, lazily in read-only mode; the values are intact.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise ValueError(f"not an iCARE workbook: not a readable .xlsx file ({exc})") from None
        try:
            for sheet in workbook.worksheets:
                template = _template_of(sheet)
                if template is not None:
                    return template, list(_rows(sheet, template))
            raise ValueError(
                "not an iCARE template: no sheet has a known template's field ids in row 2 "
                f"(sheets: {', '.join(repr(s.title) for s in workbook.worksheets)})"
            )
        finally:
            workbook.close()


@cache
def _templates_by_ids() -> dict[tuple[str, ...], Template]:
    found: dict[tuple[str, ...], Template] = {}
    for version in catalog.versions():  # oldest first: a newer identical layout wins
        for template in catalog.templates(version):
            found[template.field_ids] = template
    return found


def _template_of(sheet: Any) -> Template | None:
    known = _templates_by_ids()
    id_rows = {t.id_row for t in known.values()}
    for id_row in id_rows:
        values = next(sheet.iter_rows(min_row=id_row, max_row=id_row, values_only=True), ())
        ids = [v.strip() if isinstance(v, str) else v for v in values]
        while ids and ids[-1] in (None, ""):
            ids.pop()
        if all(isinstance(v, str) for v in ids):
            template = known.get(tuple(ids))
            if template is not None and template.id_row == id_row:
                return template
    return None


def _rows(sheet: Any, template: Template) -> Iterator[RejectedRow]:
    ids = template.field_ids
    width = len(ids)
    for number, values in enumerate(
        sheet.iter_rows(min_row=template.first_data_row, max_col=width, values_only=True),
        start=template.first_data_row,
    ):
        texts = [_text(v) for v in values[:width]]
        if all(t is None for t in texts):
            continue
        texts += [None] * (width - len(texts))
        cells = dict(zip(ids, texts, strict=True))
        details = cells.pop(PROCESSING_DETAILS, None) or ""
        markers, messages = parse_processing_details(details)
        yield RejectedRow(
            template=template.name,
            row_number=number,
            cells=cells,
            processing_details=details,
            messages=messages,
            update_record_id=cells.get(UPDATE_RECORD_ID),
            markers=markers,
        )


def _text(value: object) -> str | None:
    """A cell as the text iCARE reads (the cells are text-formatted; hand edits may not be)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
