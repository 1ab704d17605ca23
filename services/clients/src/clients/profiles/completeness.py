"""How complete a profile is: what iCARE requires and what the agency should record.

The lists name profile fields as the API does (`address.postal_code`), so a form can
point at each missing one.
"""

from collections.abc import Callable

from clients.profiles.models import Client

# iCARE Client Profile columns marked mandatory (orange), as profile fields.
ICARE_REQUIRED_NAMED: tuple[str, ...] = (
    "identifier_type",
    "identifier_value",
    "birth_date",
    "address.postal_code",
    "official_language",
    "research_consent",
)
RECOMMENDED_NAMED: tuple[str, ...] = (
    "given_name",
    "family_name",
    "gender",
    "phones",
    "has_email",
    "address.city",
    "address.province",
    "other_languages",
    "country_of_birth",
    "citizenships",
    "immigration_status",
    "immigration_category",
    "arrival_date",
    "education_level",
    "employment_status",
)
RECOMMENDED_ANONYMOUS: tuple[str, ...] = (
    "age_range",
    "gender",
    "official_language",
    "other_languages",
    "immigration_category",
    "postal_area",
)

_ADDRESS = {
    "address.postal_code": lambda c: c.postal_code,
    "address.city": lambda c: c.city,
    "address.province": lambda c: c.province,
}


def _value(client: Client, field: str) -> object:
    getter: Callable[[Client], object] | None = _ADDRESS.get(field)
    return getter(client) if getter else getattr(client, field)


def _missing(client: Client, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if _value(client, f) in (None, "", [])]


def completeness(client: Client) -> tuple[int, list[str], list[str]]:
    """(percent filled, missing iCARE-required fields, missing recommended fields)."""
    if client.kind == "anonymous":
        required: tuple[str, ...] = ()
        recommended = RECOMMENDED_ANONYMOUS
    else:
        required, recommended = ICARE_REQUIRED_NAMED, RECOMMENDED_NAMED
    missing_required = _missing(client, required)
    missing_recommended = _missing(client, recommended)
    total = len(required) + len(recommended)
    filled = total - len(missing_required) - len(missing_recommended)
    return round(100 * filled / total), missing_required, missing_recommended
