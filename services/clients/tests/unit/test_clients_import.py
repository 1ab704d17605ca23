"""Reading a filled import template and checking its rows, without a database."""

import csv
import io
import uuid
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from clients.imports.columns import BY_KEY, COLUMNS, choices
from clients.imports.parse import MAX_ROWS, FileRefused, read
from clients.imports.service import check_row
from clients.imports.template import LISTS_SHEET, csv_template, xlsx_template
from kit.auth import Principal, Role

ACTOR = Principal(
    user_id=uuid.uuid4(),
    agency_id=uuid.uuid4(),
    role=Role.CASEWORKER,
    programs=frozenset(),
    manages=frozenset(),
)
CONSENT = {"consent_statement_version": "2026-01", "consent_language": "English"}


def _csv(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    keys = list(rows[0])
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(keys)
    writer.writerows([[r.get(k, "") for k in keys] for r in rows])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _check(**cells: str) -> Any:
    table = read(_csv([{**CONSENT, **cells}]))
    return check_row(ACTOR, table.rows[0])


def test_the_csv_template_is_a_bom_and_one_row_of_keys() -> None:
    content = csv_template()
    assert content.startswith(b"\xef\xbb\xbf")
    keys = content.decode("utf-8-sig").strip().split(",")
    assert keys == [c.key for c in COLUMNS]
    table = read(content)
    assert table.format == "csv" and table.rows == []


def test_the_xlsx_template_has_keys_labels_and_dropdowns_with_the_exact_labels() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    sheet = workbook.worksheets[0]
    keys = [c.value for c in sheet[1]]
    assert keys == [c.key for c in COLUMNS]
    assert [c.value for c in sheet[2]] == [c.label for c in COLUMNS]
    assert sheet["A1"].comment is not None
    lists = workbook[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    listed = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert listed["address_province"] == list(choices(BY_KEY["address_province"]))
    assert "Ontario" in listed["address_province"]
    assert listed["gender"] == list(choices(BY_KEY["gender"]))
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"Yes,No"' in formulas
    assert any(f.startswith(f"{LISTS_SHEET}!$") for f in formulas)
    # An untouched template imports nothing and is no error.
    assert read(xlsx_template()).rows == []


def test_semicolon_csv_with_bom_and_a_label_row_reads_like_the_template() -> None:
    labels = {k: BY_KEY[k].label for k in ("consent_statement_version", "consent_language",
                                            "given_name")}  # fmt: skip
    rows = [labels, {**CONSENT, "given_name": "Amira"}]
    table = read(_csv(rows, delimiter=";", bom=True))
    assert table.format == "csv"
    assert [r.number for r in table.rows] == [3]
    assert table.rows[0].cells == {**CONSENT, "given_name": "Amira"}


def test_headers_are_keys_in_any_case_and_blank_rows_are_skipped() -> None:
    content = "Consent_Statement_Version,CONSENT_LANGUAGE,given_name\n,,\n2026-01,English,A\n"
    table = read(content.encode())
    assert [(r.number, r.cells["given_name"]) for r in table.rows] == [(3, "A")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"consent_statement_version,consent_language,nickname,shoe_size\n", "unknown_columns"),
        (b"given_name,given_name,consent_statement_version,consent_language\n", "repeated_columns"),
        (b"given_name\nA\n", "missing_columns"),
        (b"\n\n", "empty_file"),
        (b"\xd0\xcf\x11\xe0rest-of-an-xls", "unsupported_file"),
        (b"caf\xe9,given_name\n", "unsupported_file"),
        (b"PK\x03\x04not really a zip", "malformed_file"),
    ],
)
def test_files_that_are_not_the_template_are_refused_whole(content: bytes, code: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read(content)
    assert refused.value.code == code


def test_unknown_columns_are_named() -> None:
    with pytest.raises(FileRefused) as refused:
        read(b"consent_statement_version,consent_language,nickname,shoe_size\n")
    assert [f["field"] for f in refused.value.fields] == ["nickname", "shoe_size"]


def test_more_rows_than_the_limit_are_refused_as_too_large() -> None:
    lines = ["consent_statement_version,consent_language"] + ["2026-01,English"] * (MAX_ROWS + 1)
    with pytest.raises(FileRefused) as refused:
        read("\n".join(lines).encode())
    assert refused.value.too_large and refused.value.code == "too_many_rows"


def test_xlsx_cells_typed_as_numbers_and_dates_read_as_text() -> None:
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["consent_statement_version", "consent_language", "identifier_type",
                  "identifier_value", "birth_date"])  # fmt: skip
    sheet.append(["2026-01", "English", "FOSS/GCMS Client ID", 12345678.0,
                  datetime.datetime(1990, 4, 2)])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    table = read(out.getvalue())
    assert table.format == "xlsx"
    assert table.rows[0].cells["identifier_value"] == "12345678"
    assert table.rows[0].cells["birth_date"] == "1990-04-02"
    checked = check_row(ACTOR, table.rows[0])
    assert checked.errors == {} and checked.identifier == ("FOSS/GCMS Client ID", "12345678")


def test_a_valid_row_becomes_the_body_post_clients_takes() -> None:
    checked = _check(
        given_name=" Olena ", family_name="Shevchenko", birth_date="1988-04-02",
        birth_date_estimated="yes", phones="(416) 555 0199; +44 20 7946 0958",
        address_province="Ontario", address_postal_code="m6g 3a4",
        other_languages="Arabic;Farsi (Persian)", gender="Female",
    )  # fmt: skip
    assert checked.errors == {}
    data = checked.data
    assert data.consent.language == "English"
    assert data.given_name == "Olena" and data.birth_date_estimated is True
    assert data.phones == ["(416) 555 0199", "+44 20 7946 0958"]
    assert data.address.province == "Ontario"
    assert data.other_languages == ["Arabic", "Farsi (Persian)"]
    assert checked.person is not None and checked.person[1] == ("olena", "shevchenko")


@pytest.mark.parametrize(
    ("cells", "field", "words"),
    [
        ({"birth_date": "02/04/1988"}, "birth_date", "YYYY-MM-DD"),
        ({"arrival_date": "2020-13-01"}, "arrival_date", "calendar date"),
        ({"birth_date": "2999-01-01"}, "birth_date", "past"),
        ({"has_email": "maybe"}, "has_email", "Yes or No"),
        ({"gender": "female"}, "gender", "allowed values"),
        ({"address_province": "Ontari0"}, "address_province", "allowed values"),
        ({"consent_language": "Klingon"}, "consent_language", "allowed values"),
        ({"consent_statement_version": ""}, "consent_statement_version", ""),
        ({"email": "not an email"}, "email", "email"),
        ({"identifier_type": "FOSS/GCMS Client ID", "identifier_value": "123"},
         "identifier_value", "8 or 10 digits"),
        ({"identifier_value": "12345678"}, "identifier_type", "both"),
        ({"address_postal_code": "12345"}, "address_postal_code", "postal code"),
        ({"citizenships": "Canada; Atlantis"}, "citizenships", "allowed values"),
    ],
)  # fmt: skip
def test_refusals_name_the_column_with_the_api_rules(
    cells: dict[str, str], field: str, words: str
) -> None:
    checked = _check(**cells)
    assert field in checked.errors, checked.errors
    assert words in checked.errors[field]
    assert checked.data is None


def test_every_refused_column_of_a_row_is_named() -> None:
    checked = _check(
        birth_date="1988/04/02", gender="F", address_province="ON", address_city="Toronto",
        email="nope", landing_date="2999-01-01", given_name="Ok",
    )  # fmt: skip
    assert set(checked.errors) == {
        "birth_date", "gender", "address_province", "email", "landing_date"
    }  # fmt: skip
