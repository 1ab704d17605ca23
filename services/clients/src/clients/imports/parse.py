"""Reading a filled template: CSV (UTF-8 with or without BOM, comma or semicolon) or XLSX.

Pure and synchronous (the service runs it in a worker thread). The file is refused
whole (`FileRefused`) when it cannot be read as a table of the template's columns;
single bad cells are the rows' business, reported per row.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from clients.imports.columns import BY_KEY, REQUIRED_KEYS, cell_text

Format = Literal["csv", "xlsx"]

# The import is synchronous: about 5 ms a row to register, and the gateway gives an
# upstream 10 s. A larger file must be split (or the import become a background job).
MAX_ROWS = 1_000
MAX_COLUMNS = 200
# An XLSX is a zip: its unpacked size is bounded too (a small file can unpack huge).
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class FileRefused(Exception):
    """The file as a whole cannot be imported; `fields` name the columns at fault."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        fields: Sequence[dict[str, str]] = (),
        too_large: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = list(fields)
        self.too_large = too_large


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str] = field(default_factory=dict)  # non-empty cells by column key


@dataclass
class Table:
    format: Format
    columns: list[str]
    rows: list[Row]


def read(content: bytes) -> Table:
    if content.startswith(_ZIP_MAGIC):
        return _table("xlsx", _xlsx_rows(content))
    if content.startswith(_OLE_MAGIC):
        raise FileRefused(
            "Old Excel files (.xls) are not read; save the file as .xlsx or CSV",
            code="unsupported_file",
        )
    return _table("csv", _csv_rows(content))


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file is neither XLSX nor UTF-8 text; save it as CSV UTF-8 or XLSX",
            code="unsupported_file",
        ) from None
    if "\x00" in text:
        raise FileRefused("The file is not a CSV file", code="unsupported_file")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, list(record)
    except csv.Error as exc:
        raise FileRefused(
            f"The CSV file cannot be read near row {reader.line_num}: {exc}", code="malformed_file"
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise FileRefused(
                "The spreadsheet is too large once unpacked", code="file_too_large", too_large=True
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a broken file
        raise FileRefused("The XLSX file cannot be read", code="malformed_file") from None
    try:
        sheet = workbook.worksheets[0]  # the template's data sheet comes first
        for number, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(record)
    finally:
        workbook.close()


def _header(record: list[Any]) -> list[str | None]:
    keys = [(cell_text(c) or "").lower() or None for c in record]
    while keys and keys[-1] is None:
        keys.pop()
    if not keys:
        raise FileRefused("The first row must hold the column keys", code="no_header")
    if len(keys) > MAX_COLUMNS:
        raise FileRefused(f"At most {MAX_COLUMNS} columns", code="too_many_columns")
    unknown = sorted({k for k in keys if k and k not in BY_KEY})
    if unknown:
        raise FileRefused(
            f"Unknown columns: {', '.join(unknown)}",
            code="unknown_columns",
            fields=[{"field": k, "message": "is not a column of the template"} for k in unknown],
        )
    named = [k for k in keys if k]
    if repeated := sorted({k for k in named if named.count(k) > 1}):
        raise FileRefused(
            f"Columns given twice: {', '.join(repeated)}",
            code="repeated_columns",
            fields=[{"field": k, "message": "is given twice"} for k in repeated],
        )
    if missing := [k for k in REQUIRED_KEYS if k not in named]:
        raise FileRefused(
            f"Missing columns: {', '.join(missing)}",
            code="missing_columns",
            fields=[{"field": k, "message": "is required"} for k in missing],
        )
    return keys


def _is_label_row(keys: list[str | None], texts: list[str | None]) -> bool:
    """The template's second row (human labels) is not data."""
    labels = [BY_KEY[k].label if k else None for k in keys]
    return any(texts) and all(
        t is None or t == label for t, label in zip(texts, labels, strict=False)
    )


def _table(fmt: Format, records: Iterator[tuple[int, list[Any]]]) -> Table:
    keys: list[str | None] | None = None
    rows: list[Row] = []
    for number, record in records:
        if keys is None:
            if all(cell_text(c) is None for c in record):
                continue  # blank lines above the header
            keys = _header(record)
            header_row = number
            continue
        texts = [cell_text(c) for c in record]
        if not any(texts):
            continue
        if number == header_row + 1 and _is_label_row(keys, texts[: len(keys)]):
            continue
        if any(t for t in texts[len(keys) :]) or any(
            t for k, t in zip(keys, texts, strict=False) if k is None
        ):
            raise FileRefused(
                f"Row {number} has values in a column without a key", code="unknown_columns"
            )
        if len(rows) == MAX_ROWS:
            raise FileRefused(
                f"At most {MAX_ROWS} rows per file; split the file",
                code="too_many_rows",
                too_large=True,
            )
        cells = {k: t for k, t in zip(keys, texts, strict=False) if k and t is not None}
        rows.append(Row(number, cells))
    if keys is None:
        raise FileRefused("The file is empty", code="empty_file")
    return Table(fmt, [k for k in keys if k], rows)
