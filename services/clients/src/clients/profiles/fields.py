"""Applying submitted profile fields to a client: validated, normalised, changes named.

Shared by registration, partial saves (PATCH) and conversion. Format checks that need
no list (lengths, dates, e-mail syntax) are the schema's; list membership and the
rules between fields are here.
"""

from datetime import date
from typing import Any, TypeVar

from clients.profiles import values
from clients.profiles.models import Client
from clients.profiles.schemas import AddressIn, ProfileFields
from kit.clock import today
from kit.errors import Conflict, Invalid

ANONYMOUS_FIELDS = frozenset(
    {"age_range", "gender", "official_language", "other_languages", "immigration_category",
     "postal_area", "program_ids"}
)  # fmt: skip
# Fields hidden (and frozen) while consent is withdrawn.
IDENTIFYING_INPUT = frozenset(
    {"identifier_type", "identifier_value", "birth_date", "birth_date_estimated", "given_name",
     "family_name", "preferred_name", "other_names", "phones", "has_email", "email", "address"}
)  # fmt: skip
# Single values checked against a list (by `values.check_listed`).
LISTED = (
    "research_consent",
    "gender",
    "official_language",
    "country_of_birth",
    "immigration_status",
    "immigration_category",
    "education_level",
    "employment_status",
    "marital_status",
)
LISTED_MANY = ("other_languages", "citizenships", "target_groups")
PLAIN = ("given_name", "family_name", "preferred_name")
EARLIEST_BIRTH = date(1900, 1, 1)


_T = TypeVar("_T")


def _dedupe(items: list[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


class _Changes:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.names: set[str] = set()

    def put(self, attr: str, value: Any, name: str | None = None) -> None:
        if getattr(self.client, attr) != value:
            setattr(self.client, attr, value)
            self.names.add(name or attr)


def _past_date(field: str, value: date | None, *, not_before: date = EARLIEST_BIRTH) -> None:
    if value is not None and value > today():
        raise Invalid(field, "must be a date in the past", code="invalid_date")
    if value is not None and value < not_before:
        raise Invalid(field, f"must not be before {not_before.isoformat()}", code="invalid_date")


def _apply_address(changes: _Changes, address: AddressIn) -> None:
    given = address.model_fields_set
    listed = {"street_type", "street_direction", "province"}
    for field in given:
        value = getattr(address, field)
        name = f"address.{field}"
        if field in listed:
            values.check_listed(name, value)
        elif field == "postal_code" and value is not None:
            value = values.normalise_postal_code(value)
        changes.put(field, value, name)
    if "postal_code" in given:
        postal = changes.client.postal_code
        changes.put("postal_area", postal[:3] if postal else None)


def _check_kind(client: Client, given: set[str]) -> None:
    """Refuse fields the profile's kind or consent state does not take (first one named)."""
    if client.kind == "anonymous":
        if extra := sorted(given - ANONYMOUS_FIELDS):
            raise Invalid(
                extra[0],
                "an anonymous profile holds no identifying data; convert it to a named one",
                code="anonymous_profile",
            )
        return
    if anonymous_only := sorted(given & {"age_range", "postal_area"}):
        raise Invalid(
            anonymous_only[0], "is for anonymous profiles; named ones hold the full value"
        )
    if client.restricted and (frozen := sorted(given & IDENTIFYING_INPUT)):
        raise Conflict(
            "Consent was withdrawn: identifying fields cannot change until it is given again",
            code="consent_withdrawn",
            fields=[{"field": f, "message": "consent withdrawn"} for f in frozen],
        )


def apply_fields(client: Client, data: ProfileFields, given: set[str] | None = None) -> set[str]:
    """Apply the fields set in `data` (or those named in `given`); return what changed."""
    given = set(data.model_fields_set if given is None else given)
    _check_kind(client, given)
    changes = _Changes(client)
    # The type first: the value is checked against the type it ends up with.
    for field in sorted(given, key=lambda f: f != "identifier_type"):
        if field != "identifier_value":
            _apply_one(changes, field, getattr(data, field))
    if "identifier_value" in given or ("identifier_type" in given and client.identifier_value):
        raw = data.identifier_value if "identifier_value" in given else client.identifier_value
        normalised = values.normalise_identifier(client.identifier_type, raw) if raw else None
        changes.put("identifier_value", normalised)
    _check_consistency(client)
    return changes.names


def _apply_one(changes: _Changes, field: str, value: Any) -> None:
    if field in LISTED or field == "identifier_type":
        values.check_listed(field, value)
        changes.put(field, value)
    elif field in LISTED_MANY:
        values.check_all_listed(field, value or [])
        changes.put(field, _dedupe(value or []))
    elif field in PLAIN:
        changes.put(field, value)
    elif field in ("birth_date", "arrival_date", "landing_date"):
        _past_date(field, value)
        changes.put(field, value)
    elif field == "birth_date_estimated":
        changes.put(field, bool(value))
    elif field == "other_names":
        changes.put(field, _dedupe(value or []))
    elif field == "has_email":
        changes.put(field, value)
    elif field == "email":
        changes.put(field, str(value).lower() if value else None)
    elif field == "phones":
        _apply_phones(changes, value or [])
    elif field == "address":
        _apply_address(changes, value or AddressIn())
    elif field == "age_range":
        values.check_choice(field, value, values.AGE_RANGES)
        changes.put(field, value)
    elif field == "postal_area":
        changes.put(field, values.postal_area(value) if value else None)
    elif field == "program_ids":
        # Which programs exist is the database's (`check_programs`, before this runs).
        changes.put(field, _dedupe(list(value or [])))
    else:  # a schema field without a rule here is a bug, not a user error
        raise AssertionError(f"no rule for profile field {field}")


def _apply_phones(changes: _Changes, phones: list[str]) -> None:
    normalised = _dedupe([values.normalise_phone(p) for p in phones])
    changes.put("phones", normalised)
    changes.put("phone_keys", _dedupe([values.phone_key(p) for p in normalised]), "phones")


def _check_consistency(client: Client) -> None:
    if client.email and client.has_email is False:
        raise Invalid("has_email", "is No while an email address is given")
    if client.email and client.has_email is None:
        client.has_email = True
    if bool(client.identifier_type) != bool(client.identifier_value):
        missing = "identifier_value" if client.identifier_type else "identifier_type"
        raise Invalid(missing, "an identifier needs both its type and its value")
    for field in ("arrival_date", "landing_date"):
        when = getattr(client, field)
        if when and client.birth_date and when < client.birth_date:
            raise Invalid(field, "is before the date of birth", code="invalid_date")
