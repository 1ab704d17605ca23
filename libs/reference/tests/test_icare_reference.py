"""Our template descriptions against IRCC's reference workbooks (../shared/icare/reference)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from reference.icare import catalog

TEMPLATE_NAMES = (
    "client_profile",
    "needs_assessment_referrals",
    "information_orientation",
    "community_connections",
    "employment",
    "lt_course_setup",
    "lt_client_enrolment",
    "lt_client_exit",
)

ORANGE = "FFA500"
# Column counts from ../shared/icare/README.md.
COLUMNS = {
    "client_profile": 17,
    "needs_assessment_referrals": 92,
    "information_orientation": 95,
    "community_connections": 68,
    "employment": 69,
    "lt_course_setup": 118,
    "lt_client_enrolment": 31,
    "lt_client_exit": 38,
}


def _blank(reference: Any, name: str) -> dict[str, Any]:
    # Not read-only: the header font colour is needed.
    wb = reference.load("blank", f"{name}.xlsx", read_only=False)
    ws = wb.worksheets[0]
    n = ws.max_column
    return {
        "sheet": ws.title,
        "title": ws["A1"].value,
        "ids": [ws.cell(2, c).value for c in range(1, n + 1)],
        "labels": [ws.cell(3, c).value for c in range(1, n + 1)],
        "required": [
            (ws.cell(3, c).font.color.rgb or "")[-6:].upper() == ORANGE for c in range(1, n + 1)
        ],
    }


@pytest.fixture(scope="module", params=TEMPLATE_NAMES)
def blank(request: pytest.FixtureRequest, reference: Any) -> tuple[str, dict[str, Any]]:
    return request.param, _blank(reference, request.param)


def test_catalog_has_exactly_the_eight_templates() -> None:
    assert [t.name for t in catalog.templates()] == list(TEMPLATE_NAMES)


def test_fields_equal_the_blank_workbook(blank: tuple[str, dict[str, Any]]) -> None:
    name, ref = blank
    tpl = catalog.template(name)
    assert len(tpl.fields) == COLUMNS[name] == len(ref["ids"])
    assert [f.id for f in tpl.fields] == ref["ids"]
    assert [f.label for f in tpl.fields] == ref["labels"]
    assert [f.column for f in tpl.fields] == list(range(1, len(ref["ids"]) + 1))
    wrong = [
        (f.column, f.id, f.required, req)
        for f, req in zip(tpl.fields, ref["required"], strict=True)
        if f.required != req
    ]
    assert not wrong, f"{name}: required flags differ (column, id, ours, reference): {wrong}"
    assert any(f.required for f in tpl.fields)


def test_title_sheet_and_rows(blank: tuple[str, dict[str, Any]]) -> None:
    name, ref = blank
    tpl = catalog.template(name)
    assert tpl.title_cell == ref["title"]
    assert ref["title"].split("\n")[2] == tpl.title
    assert ref["title"].startswith(
        "Immigration, Refugees and Citizenship Canada\n"
        "iCARE - Immigration Contribution Agreement Reporting Environment\n"
    )
    assert tpl.reference_sheet_name == ref["sheet"]
    assert (tpl.sheet_name, tpl.lov_sheet_name, tpl.lov_ids_sheet_name) == (
        "iCARE Template",
        "LOV",
        "LOVIds",
    )
    assert (tpl.id_row, tpl.label_row, tpl.first_data_row, tpl.max_rows) == (2, 3, 4, 2500)
    assert tpl.last_data_row == 2503


def test_information_orientation_lists_equal_the_lov_sheets(reference: Any) -> None:
    wb = reference.load("with-lov", "information_orientation.xlsx")
    lov = [list(r) for r in wb["LOV"].iter_rows(values_only=True)]
    ids = [list(r) for r in wb["LOVIds"].iter_rows(values_only=True)]
    template_rows = list(wb["iCARE Template"].iter_rows(min_row=2, max_row=3, values_only=True))
    tpl = catalog.template("information_orientation")
    assert [f.id for f in tpl.fields] == list(template_rows[0])
    assert [f.label for f in tpl.fields] == list(template_rows[1])
    assert lov[0][:4] == ["info", len(tpl.fields), 591, "en-CA"]
    assert tpl.lov_info == {"template_number": 591, "locale": "en-CA"}
    with_list = 0
    for f in tpl.fields:
        c = f.column - 1
        assert lov[1][c] == f"Mandatory={'true' if f.required else 'false'};", f.id
        values, value_ids = [], []
        for row, id_row in zip(lov[2:], ids[2:], strict=True):
            if c >= len(row) or row[c] is None:
                break
            values.append(reference.text(row[c]))
            value_ids.append(int(id_row[c]))
        if not values:
            assert f.values is None, f"{f.id}: LOV has no list, ours has {f.list_name}"
            continue
        with_list += 1
        assert f.values == tuple(values), f"{f.id}: values differ from LOV"
        assert f.value_ids == tuple(value_ids), f"{f.id}: ids differ from LOVIds"
        # Nothing hidden below a gap.
        assert all(row[c] is None for row in lov[2 + len(values) :] if c < len(row)), f.id
    assert with_list == 88


def test_every_sample_value_in_a_choice_column_is_allowed(reference: Any) -> None:
    offending = []
    checked = 0
    for name in TEMPLATE_NAMES:
        tpl = catalog.template(name)
        wb = reference.load("samples", f"{name}.xlsx")
        ws = wb.worksheets[-1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = list(ws.iter_rows(values_only=True))
        assert list(rows[1][: len(tpl.fields)]) == [f.id for f in tpl.fields], name
        data = [r for r in rows[tpl.first_data_row - 1 :] if any(v is not None for v in r)]
        assert data, f"samples/{name}.xlsx has no data rows"
        for i, row in enumerate(rows[tpl.first_data_row - 1 :], start=tpl.first_data_row):
            for f, value in zip(tpl.fields, row, strict=False):
                if value is None or f.values is None:
                    continue
                checked += 1
                if not f.allows(reference.text(value)):
                    offending.append(
                        f"samples/{name}.xlsx {ws.title}!{f.column}:{i} {f.id}={value!r}"
                    )
    assert checked > 300
    assert not offending, "sample values our description does not allow:\n" + "\n".join(offending)


def test_sample_options_sheet_lists_are_covered(reference: Any) -> None:
    """Each list of the hand-typed Options Sheet, where a field's label heads it, is ours
    or differs only where with-lov corrected it (the languages)."""
    wb = reference.load("samples", "client_profile.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = list(wb["Options Sheet"].iter_rows(values_only=True))
    headers = rows[1]
    by_label: dict[str, set[str]] = {}
    for c, h in enumerate(headers):
        if isinstance(h, str):
            vals = {reference.text(r[c]) for r in rows[2:] if c < len(r) and r[c] is not None}
            if vals and c != 1:
                by_label.setdefault(h, set()).update(vals)
    province = catalog.template("client_profile").field("province_id")
    assert set(province.values or ()) == by_label["Province"]
    street = catalog.template("client_profile").field("street_type_id")
    assert set(street.values or ()) == by_label["Street Type"]
    exit_tpl = catalog.template("lt_client_exit")
    assert set(exit_tpl.field("reading_CLB_level_id").values or ()) == by_label["Reading CLB Level"]
    assert "Insufficient Evidence " in (exit_tpl.field("reading_CLB_level_id").values or ())
    lang = set(catalog.template("employment").field("session_service_lang_id").values or ())
    typed = by_label["Language of Service"]
    assert "Ukranoan" in typed and "Ukranoan" not in lang and "Ukrainian" in lang
