"""Generated workbooks re-read with openpyxl, field by field against IRCC's reference
templates (../shared/icare/reference): blank/ for the template sheet of all 8,
with-lov/ for the hidden LOV and LOVIds sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from icare.workbooks import MAX_RECORDS_PER_FILE, Row, write_workbook
from icare.workbooks.writer import build_workbook
from reference.icare import Template, catalog

TEMPLATES = catalog.templates()
ROWS = 5
ORANGE, WHITE = "FFFFA500", "FFFFFFFF"

# The blank copies under reference/blank/ carry the template's own file name.
BLANK_FILE = {t.name: f"{t.name}.xlsx" for t in TEMPLATES}


@pytest.fixture(scope="module")
def generated(
    valid_rows: Callable[[Template, int], list[Row]], open_xlsx: Callable[..., Any]
) -> Callable[[Template], tuple[list[Row], Any]]:
    @cache
    def build(name: str) -> tuple[list[Row], Any]:
        template = catalog.template(name)
        rows = valid_rows(template, ROWS)
        return rows, open_xlsx(write_workbook(template, rows))

    # Keyed by name: a Template is not hashable (its LOV info is a dict).
    return lambda template: build(template.name)


@pytest.fixture(scope="module")
def blank(
    icare_reference: Callable[..., Path], open_xlsx: Callable[..., Any]
) -> Callable[[Template], Any]:
    @cache
    def load(name: str) -> Any:
        return open_xlsx(icare_reference("blank", BLANK_FILE[name]))

    return lambda template: load(template.name)


@pytest.fixture(scope="module")
def with_lov(icare_reference: Callable[..., Path], open_xlsx: Callable[..., Any]) -> Any:
    return open_xlsx(icare_reference("with-lov", "information_orientation.xlsx"))


def _row(sheet: Any, number: int, width: int) -> list[Any]:
    return [sheet.cell(number, col).value for col in range(1, width + 1)]


def test_all_eight_templates_are_covered() -> None:
    assert len(TEMPLATES) == 8


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_template_sheet_matches_the_blank_reference(
    template: Template, generated: Any, blank: Any
) -> None:
    _, book = generated(template)
    ours, theirs = book.worksheets[0], blank(template).worksheets[0]
    width = len(template.fields)
    assert theirs.max_column == width

    # Row 2: the hidden field ids, same order; row 3: the labels.
    assert _row(ours, 2, width) == _row(theirs, 2, width) == list(template.field_ids)
    assert ours.row_dimensions[2].hidden and theirs.row_dimensions[2].hidden
    assert _row(ours, 3, width) == _row(theirs, 3, width)
    assert ours.cell(3, width + 1).value is None

    # Required flags by header colour (orange required, white optional), as the blank.
    for col in range(1, width + 1):
        our_label, their_label = ours.cell(3, col), theirs.cell(3, col)
        assert our_label.font.color.rgb == their_label.font.color.rgb, our_label.value
        required = template.fields[col - 1].required
        assert our_label.font.color.rgb == (ORANGE if required else WHITE)
        # Same fill and font as the blank's label row.
        assert our_label.fill.fill_type == their_label.fill.fill_type == "solid"
        assert our_label.fill.fgColor.rgb == their_label.fill.fgColor.rgb
        assert our_label.font.b == their_label.font.b
        assert our_label.font.name == their_label.font.name
        assert our_label.font.sz == their_label.font.sz
        assert our_label.border.left.style == their_label.border.left.style == "thin"
        assert our_label.border.top.style == their_label.border.top.style

    # Row 1: the three-line title merged across every column, with the blank's look.
    our_title, their_title = ours["A1"], theirs["A1"]
    assert our_title.value == their_title.value == template.title_cell
    assert template.title in our_title.value.splitlines()
    last = get_column_letter(width)
    assert {str(r) for r in ours.merged_cells.ranges} == {f"A1:{last}1"}
    assert {str(r) for r in theirs.merged_cells.ranges} == {f"A1:{last}1"}
    for attr in ("b", "sz", "name"):
        assert getattr(our_title.font, attr) == getattr(their_title.font, attr)
    assert our_title.font.color.rgb == their_title.font.color.rgb
    assert our_title.fill.fgColor.rgb == their_title.fill.fgColor.rgb
    assert our_title.alignment.wrap_text and their_title.alignment.wrap_text
    assert ours.row_dimensions[1].height == pytest.approx(theirs.row_dimensions[1].height, 0.01)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_every_data_cell_is_text_with_the_values_written(
    template: Template, generated: Any, blank: Any
) -> None:
    rows, book = generated(template)
    ours = book.worksheets[0]
    reference = blank(template).worksheets[0]
    first = template.first_data_row
    for n, row in enumerate(rows):
        for col, field in enumerate(template.fields, start=1):
            cell = ours.cell(first + n, col)
            assert reference.cell(first, col).number_format == "@"
            assert cell.value == row.get(field.id), (field.id, n)
            if cell.value is not None:
                assert cell.number_format == "@" and cell.data_type == "s"
    assert ours.max_row == first + len(rows) - 1
    # Empty cells, in the records and below, take their column's style: text as well, so
    # a cell typed later in Excel is text too. (A <col> element may span several columns.)
    text_columns: set[int] = set()
    for dimension in ours.column_dimensions.values():
        if dimension.number_format == "@":
            text_columns.update(range(dimension.min, dimension.max + 1))
    assert text_columns == set(range(1, len(template.fields) + 1))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_every_choice_value_is_in_its_list_and_in_the_lov_sheet(
    template: Template, generated: Any
) -> None:
    rows, book = generated(template)
    sheet, lov, lov_ids = book.worksheets
    first = template.first_data_row
    for col, field in enumerate(template.fields, start=1):
        listed = [lov.cell(r, col).value for r in range(3, lov.max_row + 1)]
        while listed and listed[-1] is None:
            listed.pop()
        if field.values is None:
            assert listed == [], field.id
            continue
        assert listed == list(field.values), field.id
        ids = [lov_ids.cell(r, col).value for r in range(3, 3 + len(field.values))]
        expected_ids = [str(i) for i in field.value_ids] if field.value_ids else [None] * len(ids)
        assert ids == expected_ids, field.id
        for n in range(len(rows)):
            value = sheet.cell(first + n, col).value
            assert value is not None and field.allows(value) and value in listed


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_dropdowns_cover_rows_4_to_2503_and_point_into_the_lov_column(
    template: Template, generated: Any
) -> None:
    _, book = generated(template)
    sheet = book.worksheets[0]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        assert validation.allow_blank and validation.showErrorMessage
        found[str(validation.sqref)] = validation.formula1
    expected = {}
    for col, field in enumerate(template.fields, start=1):
        if field.values:
            c = get_column_letter(col)
            expected[f"{c}4:{c}2503"] = f"LOV!${c}$3:${c}${2 + len(field.values)}"
    assert found == expected
    assert template.first_data_row + MAX_RECORDS_PER_FILE - 1 == 2503


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_sheets_are_named_and_hidden_as_in_the_with_lov_reference(
    template: Template, generated: Any, with_lov: Any
) -> None:
    _, book = generated(template)
    ours = [(s.title, s.sheet_state) for s in book.worksheets]
    assert ours == [(s.title, s.sheet_state) for s in with_lov.worksheets]
    assert ours == [("iCARE Template", "visible"), ("LOV", "hidden"), ("LOVIds", "hidden")]
    lov = book["LOV"]
    width = len(template.fields)
    info = _row(lov, 1, 4)
    assert info[:2] == ["info", width] and info[3] == "en-CA"
    assert _row(lov, 2, width) == [
        f"Mandatory={'true' if f.required else 'false'};" for f in template.fields
    ]


def test_lov_and_lovids_equal_the_with_lov_reference(generated: Any, with_lov: Any) -> None:
    """information_orientation is the template IRCC shipped with its value lists."""
    template = catalog.template("information_orientation")
    _, book = generated(template)
    for name in ("LOV", "LOVIds"):
        ours, theirs = book[name], with_lov[name]
        depth = max(ours.max_row, 3)
        width = len(template.fields)
        for r in range(1, depth + 1):
            assert _row(ours, r, width) == _row(theirs, r, width), (name, r)
        # Nothing below what we wrote in the reference either.
        assert all(v is None for v in _row(theirs, depth + 1, width))
    assert _row(book["LOV"], 1, 4) == ["info", 95, 591, "en-CA"]


def test_labels_keep_their_exact_spacing_and_punctuation(open_xlsx: Callable[..., Any]) -> None:
    template = catalog.template("client_profile")
    permit = "Temporary Resident or Minister\u2019s Permit Number"  # curly apostrophe
    row: Row = {
        "client_validation_type_id": permit,
        "client_validation_id": "0012345678",
        "client_birth_dt": "1980-01-02",
        "street_type_id": "Crescent ",  # IRCC's label has the trailing space
        "postal_txt": "M5V2T6",
        "official_language_id": "English",
        "consent_ind": "Yes",
    }
    sheet = open_xlsx(write_workbook(template, [row])).worksheets[0]
    by_id = {sheet.cell(2, c).value: sheet.cell(4, c).value for c in range(1, 18)}
    assert by_id["street_type_id"] == "Crescent "
    assert by_id["client_validation_type_id"] == permit
    assert by_id["client_validation_id"] == "0012345678"  # text: leading zeros kept


def test_an_empty_file_is_the_bare_template(open_xlsx: Callable[..., Any]) -> None:
    template = catalog.template("lt_client_exit")
    sheet = open_xlsx(write_workbook(template, [])).worksheets[0]
    assert sheet.max_row == 3
    assert _row(sheet, 2, len(template.fields)) == list(template.field_ids)


def test_unknown_field_is_refused_naming_field_and_row() -> None:
    template = catalog.template("client_profile")
    rows: list[Row] = [{"consent_ind": "Yes"}, {"consent_ind": "No", "Consent": "Yes"}]
    with pytest.raises(ValueError, match=r"row 2 \(sheet row 5\).*unknown field 'Consent'"):
        write_workbook(template, rows)


def test_value_outside_its_list_is_refused_naming_field_and_row() -> None:
    template = catalog.template("information_orientation")
    rows: list[Row] = [{"service_language_id": "English"}] * 3
    rows.append({"service_language_id": "english"})  # labels are exact, case included
    expected = r"row 4 \(sheet row 7\).*'service_language_id'.*'english'"
    with pytest.raises(ValueError, match=expected):
        write_workbook(template, rows)
    with pytest.raises(ValueError, match=r"'street_type_id'.*'Crescent'"):
        write_workbook(catalog.template("client_profile"), [{"street_type_id": "Crescent"}])


def test_more_than_2500_rows_are_refused() -> None:
    template = catalog.template("client_profile")
    rows: list[Row] = [{"consent_ind": "Yes"}] * (MAX_RECORDS_PER_FILE + 1)
    with pytest.raises(ValueError, match=r"2501 rows.*at most 2500"):
        write_workbook(template, rows)


def test_non_text_values_are_refused_and_dates_written_as_text(
    open_xlsx: Callable[..., Any],
) -> None:
    template = catalog.template("client_profile")
    with pytest.raises(ValueError, match=r"'client_validation_id'.*int"):
        uci: Any = 12345678
        write_workbook(template, [{"client_validation_id": uci}])
    birth: Any = dt.date(1980, 1, 2)  # outside Row's type: what a caller might pass
    data = write_workbook(template, [{"client_birth_dt": birth}])
    assert open_xlsx(data).worksheets[0]["D4"].value == "1980-01-02"


def test_constant_memory_mode_writes_the_same_workbook(
    valid_rows: Callable[[Template, int], list[Row]], open_xlsx: Callable[..., Any]
) -> None:
    """The writer's alternative xlsxwriter mode (streamed rows, inline strings)."""
    template = catalog.template("employment")
    rows = valid_rows(template, 3)
    default = open_xlsx(write_workbook(template, rows))
    streamed = open_xlsx(build_workbook(template, rows, constant_memory=True))
    for ours, theirs in zip(default.worksheets, streamed.worksheets, strict=True):
        assert (ours.title, ours.sheet_state) == (theirs.title, theirs.sheet_state)
        assert [list(r) for r in ours.values] == [list(r) for r in theirs.values]
    validations = [
        [(str(v.sqref), v.formula1) for v in book.worksheets[0].data_validations.dataValidation]
        for book in (default, streamed)
    ]
    assert validations[0] == validations[1] and validations[0]
    assert streamed.worksheets[0].row_dimensions[2].hidden
    assert streamed.worksheets[0]["C4"].number_format == "@"
