"""A report's result as a file: CSV (one section per table) or an XLSX workbook (a
summary sheet, then one sheet per breakdown). Numbers stay numbers; text that a
spreadsheet would run as a formula (=, +, -, @ first) is quoted."""

import csv
import io
from typing import Any, Literal

import xlsxwriter  # type: ignore[import-untyped]

from reporting.reports.schemas import ReportResult

Lang = Literal["en", "fr"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_WORDS = {
    "en": {"criteria": "Criteria", "totals": "Totals", "summary": "Summary", "none": "(none)"},
    "fr": {"criteria": "Critères", "totals": "Totaux", "summary": "Sommaire", "none": "(aucun)"},
}


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _criteria_rows(result: ReportResult) -> list[tuple[str, str]]:
    rows = []
    for name, value in result.criteria.items():
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        rows.append((name, shown))
    return rows


def file_name(result: ReportResult, extension: str) -> str:
    period = f"{result.criteria['date_from']}_{result.criteria['date_to']}"
    return f"{result.report}_{period}.{extension}"


def to_csv(result: ReportResult, lang: Lang = "en") -> bytes:
    words = _WORDS[lang]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(getattr(result.title, lang))])
    writer.writerow([words["criteria"]])
    for name, value in _criteria_rows(result):
        writer.writerow([name, _safe(value)])
    writer.writerow([])
    writer.writerow([words["totals"]])
    for m in result.measures:
        writer.writerow([getattr(m.title, lang), result.totals.get(m.key)])
    for table in result.tables:
        writer.writerow([])
        writer.writerow([getattr(table.title, lang)])
        writer.writerow([getattr(c.title, lang) for c in table.columns])
        for row in table.rows:
            label = row["label"] if row["label"] is not None else words["none"]
            writer.writerow(
                [_safe(label), *(row[c.key] for c in table.columns if c.kind != "label")]
            )
    # A byte-order mark: spreadsheet programs then read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Sheet"
    name, n = cleaned, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def to_xlsx(result: ReportResult, lang: Lang = "en") -> bytes:
    words = _WORDS[lang]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    rate = book.add_format({"num_format": "0.0%"})
    taken: set[str] = set()
    summary = book.add_worksheet(_sheet_name(words["summary"], taken))
    summary.write_string(0, 0, getattr(result.title, lang), bold)
    summary.write_string(2, 0, words["criteria"], bold)
    row = 3
    for name, value in _criteria_rows(result):
        summary.write_string(row, 0, name)
        summary.write_string(row, 1, value)
        row += 1
    row += 1
    summary.write_string(row, 0, words["totals"], bold)
    for m in result.measures:
        row += 1
        summary.write_string(row, 0, getattr(m.title, lang))
        _write_number(summary, row, 1, result.totals.get(m.key), rate if m.kind == "rate" else None)
    summary.set_column(0, 0, 32)
    summary.set_column(1, 1, 24)
    for table in result.tables:
        sheet = book.add_worksheet(_sheet_name(getattr(table.title, lang), taken))
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, getattr(column.title, lang), bold)
        for r, data in enumerate(table.rows, start=1):
            label = data["label"] if data["label"] is not None else words["none"]
            sheet.write_string(r, 0, str(label))
            for col, column in enumerate(table.columns[1:], start=1):
                fmt = rate if column.kind == "rate" else None
                _write_number(sheet, r, col, data.get(column.key), fmt)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(table.columns), 16)
    book.close()
    return buffer.getvalue()


def _write_number(
    sheet: Any,
    row: int,
    col: int,
    value: object,
    fmt: Any,
) -> None:
    if isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_blank(row, col, None)
