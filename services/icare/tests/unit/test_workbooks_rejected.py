"""iCARE's returned rejected-records files: the 8 filled samples of
../shared/icare/reference/samples, and our own files round-tripped."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from icare.workbooks import Row, parse_processing_details, read_rejected, write_workbook
from reference.icare import Template, catalog

UNABLE = (
    "(Client) Unable to validate against database. / "
    "(Client) Impossible de valider dans la base de données."
)

# Per sample: how many rejected rows, and a few cells of its last row, read from the files.
SAMPLES = {
    "client_profile": (
        7,
        {
            "client_validation_id": "65748392",
            "client_birth_dt": "2000-12-25",
            "phone_no": "905-293-0000",
            "city_txt": "Etobicoke",
            "official_language_id": "French",
        },
    ),
    "needs_assessment_referrals": (
        1,
        {
            "update_record_id": "10387104",
            "client_birth_dt": "1990-01-02",
            "intended_work_noc_group_id": "O - Management occupations",
            "assessment_completed_dt": "2018-05-20",
        },
    ),
    "information_orientation": (
        1,
        {
            "client_validation_id": "12345678",
            "orientation_service_id": "One-on-one orientation",
            "orientation_length_minutes_no": "50",
            "end_dttm": "2018-05-20",
        },
    ),
    "community_connections": (
        3,
        {
            "client_validation_type_id": "IMM5292, IMM5509, IMM1000 Number",
            "service_lang_id": "Nuer",
            "community_leave_reason_id": "Parental leave/caring for family members",
            "service_length_minutes_no": "20",
        },
    ),
    "employment": (
        2,
        {
            "client_validation_id": "99999999",
            "postal_cd": "M7H9K2]",  # as typed in the sample: iCARE would reject it
            "session_current_occupation_id": (
                "21 Professional occupations in natural and applied sciences"
            ),
        },
    ),
    "lt_course_setup": (
        1,
        {
            "course_cd": "L-CCSMAR18008",
            "instructional_hours_per_class": "0.25",  # a number in the sample: read as text
            "contact_nme": "Hope Nestor",
            "email_txt": "hnestor@cathcrosscultural.org",
        },
    ),
    "lt_client_enrolment": (
        1,
        {"course_cd": "L-CCSNAR18008", "first_class_dt": "2018-05-20"},
    ),
    "lt_client_exit": (
        1,
        {
            "course_cd": "L-CCSMARS18008",
            "training_status_id": "Completed the course",
            "exit_course_reason_id": "Found employment",
        },
    ),
}


def test_every_template_has_a_sample() -> None:
    assert set(SAMPLES) == set(catalog.names())


@pytest.mark.parametrize("name", list(SAMPLES))
def test_filled_sample_reads_as_a_rejected_records_file(
    name: str, icare_reference: Callable[..., Path]
) -> None:
    count, last_cells = SAMPLES[name]
    template, rows = read_rejected(icare_reference("samples", f"{name}.xlsx").read_bytes())
    assert template.name == name
    assert len(rows) == count
    assert [r.row_number for r in rows] == list(range(4, 4 + count))
    # Cells by field id: every field but Processing Details, which is parsed apart.
    for row in rows:
        assert row.template == name
        assert list(row.cells) == [f for f in template.field_ids if f != "processing_details"]
        assert row.messages == [UNABLE]
        assert row.processing_details.endswith(UNABLE)
        assert row.markers["RID"] == "" and row.markers["ORP"] == "4/5"
        assert row.update_record_id == row.cells.get("update_record_id")
    first = rows[0]
    assert first.markers == {
        "BUID": "305939",
        "RID": "",
        "ORP": "4/5",
        "DTS": "2018-08-07 10:05:04",
    }
    for field_id, value in last_cells.items():
        assert rows[-1].cells[field_id] == value, field_id


def test_client_profile_sample_rows_in_detail(icare_reference: Callable[..., Path]) -> None:
    _, rows = read_rejected(icare_reference("samples", "client_profile.xlsx").read_bytes())
    assert [r.markers["BUID"] for r in rows] == [
        "305939", "305940", "305941", "305942", "305943", "305944", "30545",
    ]  # fmt: skip
    assert rows[1].markers["DTS"] == "2018-08-08 10:06:05"
    assert rows[2].cells["client_validation_type_id"] == (
        "Temporary Resident or Minister\u2019s Permit Number"
    )
    assert rows[0].cells["client_birth_dt"] == "1978-05-20"
    assert all(r.update_record_id is None for r in rows)  # Client Profile has no such column


def test_repeated_labels_are_told_apart_by_field_id() -> None:
    template = catalog.template("needs_assessment_referrals")
    required, received = (
        template.field(i) for i in ("childminding_required_ind", "childminding_ind")
    )
    assert required.label == received.label == "Care for Newcomer Children"
    _, read = read_rejected(
        write_workbook(template, [{"childminding_required_ind": "Yes", "childminding_ind": "No"}])
    )
    assert read[0].cells["childminding_required_ind"] == "Yes"
    assert read[0].cells["childminding_ind"] == "No"


def test_round_trip_write_then_read_rejected(
    valid_rows: Callable[[Template, int], list[Row]],
) -> None:
    for template in catalog.templates():
        rows = valid_rows(template, 4)
        details = [
            f"[BUID:{900 + n},RID:{'' if n % 2 else 7000 + n},ORP:4/5,DTS:2026-11-0{n + 1} "
            f"06:00:0{n}][1] (Client) Unable to validate against database. / (Client) Impossible "
            "de valider dans la base de données.[2] Date is invalid. / La date est invalide."
            for n in range(len(rows))
        ]
        returned = [{**row, "processing_details": d} for row, d in zip(rows, details, strict=True)]
        read_template, read = read_rejected(write_workbook(template, returned))
        assert read_template == template
        assert [r.cells for r in read] == [
            {f: row.get(f) for f in template.field_ids if f != "processing_details"} for row in rows
        ]
        assert [r.processing_details for r in read] == details
        assert read[1].markers == {
            "BUID": "901",
            "RID": "",
            "ORP": "4/5",
            "DTS": "2026-11-02 06:00:01",
        }
        assert read[0].markers["RID"] == "7000"
        assert read[0].messages == [UNABLE, "Date is invalid. / La date est invalide."]


def test_a_row_without_processing_details_still_reads() -> None:
    template = catalog.template("client_profile")
    rows: list[Row] = [{"consent_ind": "Yes"}, {}, {"consent_ind": "No"}]
    _, read = read_rejected(write_workbook(template, rows))
    # The empty record in the middle is no row of the file.
    assert [(r.row_number, r.cells["consent_ind"]) for r in read] == [(4, "Yes"), (6, "No")]
    assert read[0].processing_details == "" and read[0].messages == [] and read[0].markers == {}


@pytest.mark.parametrize(
    ("text", "markers", "messages"),
    [
        ("", {}, []),
        ("Rejected by hand", {}, ["Rejected by hand"]),
        ("[BUID:1,RID:2,ORP:1/1,DTS:2026-01-02 03:04:05]", {"BUID": "1", "RID": "2",
          "ORP": "1/1", "DTS": "2026-01-02 03:04:05"}, []),
        (" [BUID:1][1] a / b [2] c / d ", {"BUID": "1"}, ["a / b", "c / d"]),
    ],
)  # fmt: skip
def test_processing_details_parsing(
    text: str, markers: dict[str, str], messages: list[str]
) -> None:
    assert parse_processing_details(text) == (markers, messages)


def test_a_file_that_is_not_an_icare_template_is_refused(
    icare_reference: Callable[..., Path],
) -> None:
    with pytest.raises(ValueError, match=r"not a readable \.xlsx"):
        read_rejected(b"name,date\nx,2026-01-01\n")
    book = openpyxl.Workbook()
    book.active.append(["Processing Details", "Unique Identifier"])
    book.active.append(["processing_details", "client_validation_type_id"])  # ids, but too few
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValueError, match=r"not an iCARE template.*'Sheet'"):
        read_rejected(out.getvalue())
