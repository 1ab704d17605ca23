"""One profile as staff and other services see it, with consent restrictions applied.

Withdrawn consent restricts the profile: the identifying fields below stay stored
(nothing is silently deleted) but normal reads and events carry them as empty.
"""

import uuid
from typing import Any

from clients.profiles.completeness import completeness
from clients.profiles.models import Client, FamilyLinkRow
from clients.profiles.schemas import (
    AddressOut,
    ClientOut,
    ClientSummary,
    Completeness,
    ConsentOut,
    FamilyLinkOut,
)
from clients.questions.schemas import ProfileAnswers

IDENTIFYING_FIELDS: tuple[str, ...] = (
    "identifier_type",
    "identifier_value",
    "birth_date",
    "given_name",
    "family_name",
    "preferred_name",
    "other_names",
    "phones",
    "has_email",
    "email",
    "address",
    "family",
)
ADDRESS_FIELDS: tuple[str, ...] = (
    "street_number",
    "street_name",
    "street_type",
    "street_direction",
    "unit",
    "city",
    "province",
    "postal_code",
)


def _consent(client: Client) -> dict[str, Any]:
    return {
        "status": client.consent_status,
        "statement_version": client.consent_statement_version,
        "language": client.consent_language,
        "given_at": client.consent_given_at,
        "given_by": client.consent_given_by,
        "withdrawn_at": client.consent_withdrawn_at,
        "withdrawn_by": client.consent_withdrawn_by,
    }


def state(client: Client, family: list[FamilyLinkRow], *, reveal: bool = False) -> dict[str, Any]:
    """The profile's fields as plain values (for the API and for events)."""
    hide = client.restricted and not reveal
    values: dict[str, Any] = {
        "id": client.id,
        "kind": client.kind,
        "restricted": client.restricted,
        "consent": _consent(client),
        "research_consent": client.research_consent,
        "identifier_type": client.identifier_type,
        "identifier_value": client.identifier_value,
        "birth_date": client.birth_date,
        "birth_date_estimated": client.birth_date_estimated,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "preferred_name": client.preferred_name,
        "other_names": list(client.other_names),
        "gender": client.gender,
        "phones": list(client.phones),
        "has_email": client.has_email,
        "email": client.email,
        "address": {f: getattr(client, f) for f in ADDRESS_FIELDS},
        "official_language": client.official_language,
        "other_languages": list(client.other_languages),
        "country_of_birth": client.country_of_birth,
        "citizenships": list(client.citizenships),
        "immigration_status": client.immigration_status,
        "immigration_category": client.immigration_category,
        "arrival_date": client.arrival_date,
        "landing_date": client.landing_date,
        "education_level": client.education_level,
        "employment_status": client.employment_status,
        "marital_status": client.marital_status,
        "target_groups": list(client.target_groups),
        "age_range": client.age_range,
        "postal_area": client.postal_area,
        "program_ids": list(client.program_ids or []),
        "family": [
            {"client_id": f.related_client_id, "relationship": f.relationship} for f in family
        ],
        "status": client.status or "active",  # unsaved: the default
        "merged_into": client.merged_into,
        "registered_at": client.created_at,
        "registered_by": client.created_by,
        "updated_at": client.updated_at,
        "version": client.version,
    }
    if hide:
        for field in IDENTIFYING_FIELDS:
            empty: Any = [] if isinstance(values[field], list) else None
            values[field] = empty
        values["address"] = {}
        # The area alone identifies nobody, and reports by region still work.
        values["postal_area"] = client.postal_area or (client.postal_code or "")[:3] or None
    return values


# Keys of `state` that the response shapes itself (or names differently).
_SHAPED = frozenset({"registered_at", "registered_by", "consent", "address", "family"})


def client_out(
    client: Client,
    family: list[FamilyLinkRow],
    *,
    reveal: bool = False,
    answers: ProfileAnswers | None = None,
    provenance: dict[str, uuid.UUID] | None = None,
) -> ClientOut:
    values = state(client, family, reveal=reveal)
    percent, missing_required, missing_recommended = completeness(client)
    hidden = list(IDENTIFYING_FIELDS) if client.restricted and not reveal else []
    if hidden and answers is not None:
        hidden.append("answers")
    return ClientOut(
        **{k: v for k, v in values.items() if k not in _SHAPED},
        agency_id=client.agency_id,
        hidden_fields=hidden,
        consent=ConsentOut(**values["consent"]),
        address=AddressOut(**values["address"]),
        family=[FamilyLinkOut(**f) for f in values["family"]],
        completeness=Completeness(
            percent=percent,
            missing_icare_required=missing_required,
            missing_recommended=missing_recommended,
        ),
        created_at=client.created_at,
        created_by=client.created_by,
        updated_by=client.updated_by,
        answers=answers,
        provenance=provenance or {},
    )


def summary(client: Client) -> ClientSummary:
    hide = client.restricted
    return ClientSummary(
        id=client.id,
        kind=client.kind,
        restricted=client.restricted,
        given_name=None if hide else client.given_name,
        family_name=None if hide else client.family_name,
        birth_date=None if hide else client.birth_date,
        age_range=client.age_range,
        identifier_type=None if hide else client.identifier_type,
        identifier_value=None if hide else client.identifier_value,
        program_ids=list(client.program_ids or []),
    )
