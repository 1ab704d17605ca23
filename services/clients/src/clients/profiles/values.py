"""The values a profile accepts: list membership (from `reference`) and normalised formats.

Fields iCARE lists take iCARE's exact labels (`reference.icare`); the other lists are
OCMS's own (`reference.code_lists`). Refusals name the profile field, never echo the
value (it may be personal data that ends up in logs downstream).
"""

import re
from collections.abc import Iterable

from kit.errors import Invalid

# Profile field -> the iCARE Client Profile field id whose list it takes.
ICARE_FIELDS: dict[str, str] = {
    "identifier_type": "client_validation_type_id",
    "address.street_type": "street_type_id",
    "address.street_direction": "street_direction_id",
    "address.province": "province_id",
    "official_language": "official_language_id",
    "research_consent": "consent_ind",
}
# Profile field -> OCMS code list.
CODE_LISTS: dict[str, str] = {
    "gender": "gender",
    "other_languages": "language",
    "consent.language": "language",
    "country_of_birth": "country",
    "citizenships": "country",
    "immigration_status": "immigration_status",
    "immigration_category": "immigration_category",
    "education_level": "education_level",
    "employment_status": "employment_status",
    "marital_status": "marital_status",
    "target_groups": "target_group",
}

# The identifier type that is IRCC's Unique Client Identifier: 8 or 10 digits.
UCI_TYPE = "FOSS/GCMS Client ID"

# Anonymous clients give an age range instead of a date of birth. OCMS's own list; its
# bounds follow iCARE's target groups (children 0-14, youth 15-24, seniors 65+).
AGE_RANGES: tuple[str, ...] = ("0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65+")

# What a family link says the related client is to this one, and the way back.
RELATIONSHIPS: dict[str, str] = {
    "spouse": "spouse",
    "partner": "partner",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "guardian": "dependant",
    "dependant": "guardian",
    "other_relative": "other_relative",
    "household_member": "household_member",
}


def _allows(field: str, value: str) -> bool:
    # Imported here: the lists are data loaded once by `reference`, and a module that
    # only normalises formats (tests, the worker) need not load them.
    if field in ICARE_FIELDS:
        from reference.icare import catalog

        return bool(catalog.template("client_profile").field(ICARE_FIELDS[field]).allows(value))
    from reference.code_lists import get as code_list

    return bool(code_list(CODE_LISTS[field]).allows(value))


def check_listed(field: str, value: str | None) -> None:
    """Refuse a value that is not exactly one of the field's list labels."""
    if value is not None and not _allows(field, value):
        raise Invalid(field, "is not one of the allowed values", code="value_not_allowed")


def check_all_listed(field: str, values: Iterable[str]) -> None:
    for value in values:
        check_listed(field, value)


def check_choice(field: str, value: str | None, choices: Iterable[str]) -> None:
    if value is not None and value not in choices:
        raise Invalid(field, f"must be one of: {', '.join(choices)}", code="value_not_allowed")


_NON_DIGITS = re.compile(r"\D")
_POSTAL = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")
_SPACING = re.compile(r"[\s\-.]")
_IDENTIFIER = re.compile(r"^[A-Z0-9]{1,30}$")


def phone_key(raw: str) -> str:
    """Digits only; a North American number loses its leading 1 (so formats compare)."""
    digits = _NON_DIGITS.sub("", raw)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def normalise_phone(raw: str, field: str = "phones") -> str:
    """Canadian numbers become ###-###-####; other numbers are kept as written."""
    key = phone_key(raw)
    if len(key) < 7 or len(key) > 15:
        raise Invalid(field, "is not a phone number", code="invalid_phone")
    written = " ".join(raw.split())
    international = written.startswith("+") and not written.startswith("+1")
    if len(key) == 10 and not international:
        return f"{key[:3]}-{key[3:6]}-{key[6:]}"
    return written


def normalise_postal_code(raw: str, field: str = "address.postal_code") -> str:
    """A#A#A#: upper case, no space (as iCARE takes it)."""
    code = _SPACING.sub("", raw).upper()
    if not _POSTAL.match(code):
        raise Invalid(field, "must be a Canadian postal code like A1A1A1", code="invalid_postal")
    return code


def postal_area(raw: str, field: str = "postal_area") -> str:
    """The first three characters of a postal code (its forward sortation area)."""
    area = _SPACING.sub("", raw).upper()[:3]
    if not re.match(r"^[A-Z]\d[A-Z]$", area):
        raise Invalid(field, "must start like a Canadian postal code (A1A)", code="invalid_postal")
    return area


def normalise_identifier(identifier_type: str | None, raw: str) -> str:
    value = _SPACING.sub("", raw).upper()
    if identifier_type == UCI_TYPE:
        if not (value.isdigit() and len(value) in (8, 10)):
            raise Invalid("identifier_value", "a UCI has 8 or 10 digits", code="invalid_uci")
    elif not _IDENTIFIER.match(value):
        raise Invalid(
            "identifier_value",
            "use letters and digits only (30 at most)",
            code="invalid_identifier",
        )
    return value
