"""The readiness check of one row, and the rows built from profiles and forms."""

import datetime as dt
import uuid
from typing import Any

import pytest

from icare.records.building import (
    BuiltRecord,
    client_problems,
    client_profile_cells,
    phone_text,
    row_hash,
    service_cells,
)
from icare.records.collect import Period
from icare.schedule.service import due_period
from kit.errors import Invalid
from reference.icare import catalog
from reference.icare.checks import check_record, errors

TODAY = dt.date(2026, 11, 26)
PROFILE = catalog.template("client_profile")


def good_profile(**cells: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "client_validation_type_id": "FOSS/GCMS Client ID",
        "client_validation_id": "12345678",
        "client_birth_dt": "1990-05-01",
        "postal_txt": "M5V2T6",
        "official_language_id": "English",
        "consent_ind": "Yes",
    }
    row.update(cells)
    return row


def codes(row: dict[str, str | None]) -> list[tuple[str | None, str]]:
    return [(p.field_id, p.code) for p in errors(check_record(PROFILE, row, today=TODAY))]


def test_a_complete_profile_passes() -> None:
    assert check_record(PROFILE, good_profile(), today=TODAY) == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"postal_txt": None}, [("postal_txt", "missing")]),
        ({"postal_txt": "M5V 2T6"}, [("postal_txt", "invalid_postal_code")]),
        ({"client_validation_id": "1234567"}, [("client_validation_id", "invalid_identifier")]),
        ({"client_validation_id": "1234567890"}, []),
        ({"client_validation_type_id": "Passport"}, [("client_validation_type_id", "not_in_list")]),
        ({"official_language_id": "english"}, [("official_language_id", "not_in_list")]),
        ({"client_birth_dt": "1990-02-30"}, [("client_birth_dt", "invalid_date")]),
        ({"client_birth_dt": "01/05/1990"}, [("client_birth_dt", "invalid_date")]),
        ({"client_birth_dt": "2027-01-01"}, [("client_birth_dt", "date_in_future")]),
        ({"phone_no": "4165550101"}, [("phone_no", "invalid_phone")]),
        ({"phone_no": "416-555-0101"}, []),
        ({"email_txt_ind": "Yes", "email_txt": "not-an-email"}, [("email_txt", "invalid_email")]),
        ({"email_txt_ind": "No", "email_txt": "a@b.ca"}, [("email_txt", "not_applicable")]),
    ],
)
def test_profile_rules(cells: dict[str, str | None], expected: list[tuple[str, str]]) -> None:
    assert codes(good_profile(**cells)) == expected


def test_other_identifiers_are_letters_and_digits() -> None:
    permit = "Temporary Resident or Minister\u2019s Permit Number"  # curly apostrophe, as listed
    assert codes(good_profile(client_validation_type_id=permit, client_validation_id="F1234")) == []
    assert codes(good_profile(client_validation_type_id=permit, client_validation_id="F 12")) == [
        ("client_validation_id", "invalid_identifier")
    ]


def test_conditional_fields_warn_and_dates_keep_their_order() -> None:
    needs = catalog.template("needs_assessment_referrals")
    row: dict[str, str | None] = {f.id: None for f in needs.fields}
    row.update(
        client_validation_type_id="FOSS/GCMS Client ID", client_validation_id="12345678",
        client_birth_dt="1990-05-01", postal_cd="M5V2T6", assessment_start_dt="2026-10-20",
        assessment_language_id="English", preferred_official_language_id="English",
        institution_type_id="Settlement service provider",
        assessment_referral_id="Family / friends",
        intention_canadian_citizen_ind="Yes", support_required_services_required="No",
        non_cic_program_needs_services_required="No", support_received_ind="Yes",
        settlement_plan_ind="No", assessment_completed_dt="2026-10-19",
    )  # fmt: skip
    found = check_record(needs, row, today=TODAY)
    assert [(p.field_id, p.code) for p in errors(found)] == [
        ("assessment_completed_dt", "date_order")
    ]
    warned = {p.field_id for p in found if p.severity == "warning"}
    assert "childminding_ind" in warned  # support received: which ones, iCARE expects
    assert "childminding_NewcomerChildren[1]childminding_age_id" not in warned


def test_client_profile_cells_from_a_profile() -> None:
    profile: dict[str, Any] = {
        "identifier_type": "FOSS/GCMS Client ID", "identifier_value": "12345678",
        "birth_date": "1990-05-01", "phones": ["+1 (416) 555-0101", "647 555 0000"],
        "has_email": False, "email": "old@example.org",
        "address": {"street_number": "12", "street_name": "King", "city": "Toronto",
                    "province": "Ontario", "postal_code": "M5V2T6"},
        "official_language": "French", "research_consent": "No",
    }  # fmt: skip
    cells = client_profile_cells(profile)
    assert cells["phone_no"] == "416-555-0101"
    assert cells["email_txt_ind"] == "No" and cells["email_txt"] is None  # condition fails
    assert cells["street_no"] == "12" and cells["official_language_id"] == "French"
    assert list(cells) == list(PROFILE.field_ids)
    assert phone_text("555-0101") == "555-0101"  # left as typed: the check reports it


def test_client_problems() -> None:
    assert client_problems(None)[0].code == "client_unknown"
    assert client_problems({"kind": "anonymous"})[0].code == "client_anonymous"
    assert client_problems({"kind": "named", "restricted": True})[0].code == "client_restricted"
    assert client_problems({"kind": "named", "restricted": False}) == []


def test_service_cells_map_keys_back_to_labels() -> None:
    session = {"date": "2026-10-20", "postal_code": "M5V2T6", "language_of_service": " english "}
    answers = {
        "institution_type_id": "settlement_service_provider",
        "support_received_ind": "no",
        "childminding_ind": "yes",  # its condition (support received) does not hold
        "settlement_plan_ind": True,
        "not_a_field": "x",
    }
    profile = {
        "identifier_type": "FOSS/GCMS Client ID",
        "identifier_value": "1",
        "birth_date": "1990-05-01",
    }
    cells = service_cells("needs_assessment_referrals", session, answers, profile)
    assert cells["institution_type_id"] == "Settlement service provider"
    assert cells["assessment_language_id"] == "English"  # the list's own label
    assert cells["assessment_start_dt"] == "2026-10-20" and cells["postal_cd"] == "M5V2T6"
    assert cells["childminding_ind"] is None
    assert cells["settlement_plan_ind"] == "Yes"
    assert cells["client_validation_id"] == "1" and "not_a_field" not in cells
    elvish = {**session, "language_of_service": "Elvish"}
    unknown = service_cells(
        "needs_assessment_referrals", elvish, {"institution_type_id": "nowhere"}, None
    )
    assert unknown["assessment_language_id"] == "Elvish"  # kept: the check reports it
    assert unknown["institution_type_id"] == "nowhere"


def test_the_hash_is_of_what_icare_sees() -> None:
    row = good_profile()
    assert row_hash(row) == row_hash({**row, "processing_details": "x", "phone_no": None})
    assert row_hash(row) != row_hash(good_profile(postal_txt="K1A0B1"))
    record = BuiltRecord("client_profile", "client", uuid.uuid4(), None, None, None, None, 1, row)
    assert record.content_hash == row_hash(row)


def test_periods_and_the_scheduled_month() -> None:
    october = Period.parse("2026-10")
    assert (october.first, october.last) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert Period.parse("2026-12").last == dt.date(2026, 12, 31)
    assert Period.parse("2026-01").previous().text == "2025-12"
    for bad in ("2026-13", "2026-1", "26-10", "1800-01"):
        with pytest.raises(Invalid):
            Period.parse(bad)
    assert due_period(5, dt.date(2026, 11, 4)) is None
    assert due_period(5, dt.date(2026, 11, 5)) == october
    assert due_period(1, dt.date(2027, 1, 1)) == Period.parse("2026-12")
