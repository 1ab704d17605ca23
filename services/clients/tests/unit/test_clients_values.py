"""Formats a profile normalises, and what completeness and restriction make of a client."""

import uuid
from datetime import UTC, date, datetime

import pytest

from clients.profiles import values
from clients.profiles.completeness import completeness
from clients.profiles.models import Client
from clients.profiles.view import IDENTIFYING_FIELDS, client_out, state
from contracts.clients import ClientConsentChanged
from kit.errors import Invalid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4165550199", "416-555-0199"),
        ("(416) 555-0199", "416-555-0199"),
        ("+1 416.555.0199", "416-555-0199"),
        ("1-416-555-0199", "416-555-0199"),
        ("+44 20  7946 0958", "+44 20 7946 0958"),
        ("416 555 0199 ext 12", "416 555 0199 ext 12"),
    ],
)
def test_phones_are_normalised_when_canadian_and_kept_otherwise(raw: str, expected: str) -> None:
    assert values.normalise_phone(raw) == expected


def test_phone_keys_compare_formats() -> None:
    assert values.phone_key("+1 (416) 555-0199") == values.phone_key("416.555.0199")
    with pytest.raises(Invalid) as refused:
        values.normalise_phone("call me")
    assert refused.value.fields[0]["field"] == "phones"


@pytest.mark.parametrize("raw", ["m6g 3a4", "M6G3A4", "m6g-3a4", " M6G 3A4 "])
def test_postal_codes_become_a1a1a1(raw: str) -> None:
    assert values.normalise_postal_code(raw) == "M6G3A4"
    assert values.postal_area(raw) == "M6G"


@pytest.mark.parametrize("raw", ["12345", "M6G 3A", "MMG3A4", "90210-1234"])
def test_bad_postal_codes_are_refused(raw: str) -> None:
    with pytest.raises(Invalid) as refused:
        values.normalise_postal_code(raw)
    assert refused.value.fields[0]["field"] == "address.postal_code"


def test_a_uci_has_8_or_10_digits() -> None:
    assert values.normalise_identifier(values.UCI_TYPE, "1234-5678") == "12345678"
    assert values.normalise_identifier(values.UCI_TYPE, "12 3456 7890") == "1234567890"
    for bad in ("123456789", "1234567", "1234567A"):
        with pytest.raises(Invalid):
            values.normalise_identifier(values.UCI_TYPE, bad)
    assert values.normalise_identifier("IMM5292, IMM5509, IMM1000 Number", "ab 12") == "AB12"


def test_every_relationship_has_its_inverse() -> None:
    for relationship, inverse in values.RELATIONSHIPS.items():
        assert values.RELATIONSHIPS[inverse] == relationship


def _client(**fields: object) -> Client:
    now = datetime.now(UTC)
    base: dict[str, object] = {
        "id": uuid.uuid4(), "agency_id": uuid.uuid4(), "kind": "named",
        "consent_status": "given", "birth_date_estimated": False, "other_names": [],
        "phones": [], "phone_keys": [], "other_languages": [], "citizenships": [],
        "target_groups": [], "version": 1, "created_at": now, "created_by": uuid.uuid4(),
        "updated_at": now, "updated_by": uuid.uuid4(),
    }  # fmt: skip
    return Client(**(base | fields))


def test_completeness_counts_icare_required_and_recommended_fields() -> None:
    empty, missing_required, _ = completeness(_client())
    assert empty == 0 and "identifier_type" in missing_required
    percent, missing_required, missing_recommended = completeness(
        _client(
            identifier_type=values.UCI_TYPE, identifier_value="12345678",
            birth_date=date(1980, 1, 1), postal_code="M6G3A4", official_language="English",
            research_consent="No", given_name="Ana",
        )
    )  # fmt: skip
    assert missing_required == [] and "given_name" not in missing_recommended
    assert 0 < percent < 100
    anonymous, required, _ = completeness(_client(kind="anonymous", consent_status="none"))
    assert (anonymous, required) == (0, [])


def test_a_restricted_profile_hides_identifying_fields_but_keeps_them() -> None:
    client = _client(
        consent_status="withdrawn", given_name="Ana", phones=["416-555-0199"],
        postal_code="M6G3A4", gender="Female", email="ana@example.org",
    )  # fmt: skip
    shown = client_out(client, [])
    assert shown.restricted and shown.given_name is None and shown.phones == []
    assert shown.email is None and shown.address.postal_code is None
    assert shown.gender == "Female" and shown.postal_area == "M6G"
    assert set(shown.hidden_fields) == set(IDENTIFYING_FIELDS)
    assert state(client, [], reveal=True)["given_name"] == "Ana"
    assert client.given_name == "Ana"


def test_events_carry_the_restricted_profile() -> None:
    client = _client(consent_status="withdrawn", given_name="Ana", identifier_value="12345678")
    event = ClientConsentChanged(agency_id=client.agency_id, **state(client, []))
    assert event.restricted and event.given_name is None and event.identifier_value is None
    assert event.consent.status == "withdrawn" and event.version == 1
