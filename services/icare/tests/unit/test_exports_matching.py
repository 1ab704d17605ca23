"""Which ledger entry a returned rejected row is about (icare.exports.matching)."""

from __future__ import annotations

import datetime as dt
import uuid

from icare.exports.matching import best_entry, key_cells, score
from icare.exports.models import LedgerEntry
from icare.workbooks import RejectedRow

T0 = dt.datetime(2018, 6, 1, 12, tzinfo=dt.UTC)
CLIENT: dict[str, str] = {
    "client_validation_type_id": "FOSS/GCMS Client ID",
    "client_validation_id": "12345678",
    "client_birth_dt": "1978-05-20",
}


def row(template: str, **cells: str | None) -> RejectedRow:
    return RejectedRow(
        template=template,
        row_number=4,
        cells={"update_record_id": None, **cells},
        processing_details="[BUID:1,RID:,ORP:4/5,DTS:2018-08-07 10:05:04][1] x / y",
        messages=["x / y"],
        update_record_id=None,
        markers={"BUID": "1", "RID": ""},
    )


def entry(cells: dict[str, str], created: dt.datetime = T0) -> LedgerEntry:
    return LedgerEntry(id=uuid.uuid4(), cells=cells, created_at=created)


def test_key_cells_name_the_client_on_client_templates_and_the_course_on_course_setup() -> None:
    enrolment = row("lt_client_enrolment", **CLIENT, course_cd="L-1", postal_cd="M6G4A3")
    assert key_cells(enrolment) == CLIENT
    setup = row("lt_course_setup", course_cd=" L-CCSMAR18008 ", start_dt="2018-05-20")
    assert key_cells(setup) == {"course_cd": "L-CCSMAR18008"}
    # A client template without the client's date of birth names nobody: the course
    # code of an enrolment is not enough to tell whose enrolment it is.
    no_birth = row("lt_client_enrolment", **{**CLIENT, "client_birth_dt": None}, course_cd="L-1")
    assert key_cells(no_birth) is None
    assert key_cells(row("lt_course_setup", course_cd=None, start_dt="2018-05-20")) is None


def test_score_counts_the_content_cells_repeated() -> None:
    returned = row(
        "employment", **CLIENT, postal_cd="M6G4A3", session_result_intn_ind="Yes",
        assessment_update_reason_id="Amend record", update_record_id="10387104",
    )  # fmt: skip
    sent = {**CLIENT, "postal_cd": "M6G4A3", "session_result_intn_ind": "No"}
    # The three client cells and the postal code; never the upload's own columns.
    assert score(returned, sent) == 4
    assert score(returned, {"assessment_update_reason_id": "Amend record"}) == 0


def test_an_enrolment_in_the_course_the_row_names_wins_over_more_matching_cells() -> None:
    returned = row(
        "lt_client_enrolment", **CLIENT, course_cd="L-B", first_class_dt="2018-05-20",
        preferred_official_lang_id="English", support_received_ind="Yes",
    )  # fmt: skip
    in_a = entry(
        {**CLIENT, "course_cd": "L-A", "first_class_dt": "2018-05-20",
         "preferred_official_lang_id": "English", "support_received_ind": "Yes"}
    )  # fmt: skip
    in_b = entry({**CLIENT, "course_cd": "l-b", "first_class_dt": "2018-09-01"})
    assert best_entry(returned, [in_a, in_b]) is in_b


def test_without_the_course_named_the_most_cells_then_the_latest_win() -> None:
    # iCARE's own sample names a course code no course has (a typo of the setup's):
    # the client's enrolment whose cells it repeats most is the record.
    returned = row(
        "lt_client_exit", **CLIENT, course_cd="L-CCSMARS18008",
        training_status_id="Completed the course", exit_course_dt="2018-07-20",
    )  # fmt: skip
    left_early = entry({**CLIENT, "course_cd": "L-A", "training_status_id": "Exited early"})
    completed = entry(
        {**CLIENT, "course_cd": "L-CCSMAR18008", "training_status_id": "Completed the course",
         "exit_course_dt": "2018-07-20"}
    )  # fmt: skip
    assert best_entry(returned, [left_early, completed]) is completed
    later = entry(dict(completed.cells), T0 + dt.timedelta(days=30))
    assert best_entry(returned, [completed, later]) is later
    assert best_entry(returned, []) is None
