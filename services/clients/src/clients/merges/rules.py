"""Which profile each field of a merged profile takes its value from (pure functions).

A field is chosen as a group of columns that only make sense together (an identifier's
type and value, the phones and their lookup keys, the address). The rule: the pick the
user made for the field; else the survivor's value; else, when the survivor's is empty,
the absorbed profile's. Fields in `UNIONS` (the programs serving the client) take both
profiles' values, the survivor's first, unless a side is picked.
"""

from collections.abc import Mapping
from typing import Any, Literal

Side = Literal["survivor", "absorbed"]

ADDRESS = (
    "street_number",
    "street_name",
    "street_type",
    "street_direction",
    "unit",
    "city",
    "province",
    "postal_code",
)

# Field (as chosen and shown in `provenance`) -> the columns it moves together.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "research_consent": ("research_consent",),
    "identifier": ("identifier_type", "identifier_value"),
    "birth_date": ("birth_date", "birth_date_estimated"),
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "preferred_name": ("preferred_name",),
    "other_names": ("other_names",),
    "gender": ("gender",),
    "phones": ("phones", "phone_keys"),
    "email": ("has_email", "email"),
    "address": ADDRESS,
    "official_language": ("official_language",),
    "other_languages": ("other_languages",),
    "country_of_birth": ("country_of_birth",),
    "citizenships": ("citizenships",),
    "immigration_status": ("immigration_status",),
    "immigration_category": ("immigration_category",),
    "arrival_date": ("arrival_date",),
    "landing_date": ("landing_date",),
    "education_level": ("education_level",),
    "employment_status": ("employment_status",),
    "marital_status": ("marital_status",),
    "target_groups": ("target_groups",),
    "age_range": ("age_range",),
    "postal_area": ("postal_area",),
    "program_ids": ("program_ids",),
}
# List fields whose default is the union of both profiles' values (no duplicates).
UNIONS = frozenset({"program_ids"})
# What an anonymous profile may hold; a named survivor leaves these alone.
ANONYMOUS_ONLY = frozenset({"age_range", "postal_area"})
ANONYMOUS_FIELDS = frozenset(
    {"age_range", "gender", "official_language", "other_languages", "immigration_category",
     "postal_area", "program_ids"}
)  # fmt: skip
# Columns whose value says nothing by itself (a flag beside a date).
_COMPANIONS = frozenset({"birth_date_estimated", "phone_keys"})
ANSWER_PREFIX = "answers."


def empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def group_empty(values: Mapping[str, Any], field: str) -> bool:
    """Whether a profile's columns (`values`) hold nothing for `field`."""
    return all(empty(values.get(c)) for c in FIELD_GROUPS[field] if c not in _COMPANIONS)


def pick(choice: Side | None, survivor_empty: bool, absorbed_empty: bool) -> Side:
    """The side a field's value is taken from."""
    if choice is not None:
        return choice
    if survivor_empty and not absorbed_empty:
        return "absorbed"
    return "survivor"


def union(survivor: Any, absorbed: Any) -> list[Any]:
    """Both lists in one: the survivor's items first, then the absorbed one's new ones."""
    return list(dict.fromkeys([*(survivor or []), *(absorbed or [])]))


def mergeable_fields(survivor_kind: str) -> list[str]:
    """The fields a merge into a profile of this kind decides."""
    if survivor_kind == "anonymous":
        return [f for f in FIELD_GROUPS if f in ANONYMOUS_FIELDS]
    return [f for f in FIELD_GROUPS if f not in ANONYMOUS_ONLY]


def unknown_choices(choices: Mapping[str, str], survivor_kind: str) -> list[str]:
    """Keys of `choices` that name no field a merge into this kind decides."""
    known = set(mergeable_fields(survivor_kind))
    return sorted(k for k in choices if k not in known and not k.startswith(ANSWER_PREFIX))


def merge_columns(
    survivor: Mapping[str, Any],
    absorbed: Mapping[str, Any],
    choices: Mapping[str, Side],
    survivor_kind: str,
) -> tuple[dict[str, Any], dict[str, Side]]:
    """The survivor's new column values, and per field (non-empty after the merge) the
    side its value came from."""
    columns: dict[str, Any] = {}
    sides: dict[str, Side] = {}
    for field in mergeable_fields(survivor_kind):
        s_empty, a_empty = group_empty(survivor, field), group_empty(absorbed, field)
        side = pick(choices.get(field), s_empty, a_empty)
        source = absorbed if side == "absorbed" else survivor
        for column in FIELD_GROUPS[field]:
            columns[column] = source.get(column)
        if field in UNIONS and field not in choices:
            for column in FIELD_GROUPS[field]:
                columns[column] = union(survivor.get(column), absorbed.get(column))
        if not (a_empty if side == "absorbed" else s_empty):
            sides[field] = side
    return columns, sides


def merge_answers(
    survivor: Mapping[str, Any], absorbed: Mapping[str, Any], choices: Mapping[str, Side]
) -> tuple[dict[str, Any], dict[str, Side]]:
    """Answers by key, by the same rule (`answers.<key>` in `choices`)."""
    merged: dict[str, Any] = {}
    sides: dict[str, Side] = {}
    for key in sorted(survivor.keys() | absorbed.keys()):
        s_value, a_value = survivor.get(key), absorbed.get(key)
        side = pick(choices.get(ANSWER_PREFIX + key), empty(s_value), empty(a_value))
        value = a_value if side == "absorbed" else s_value
        if not empty(value):
            merged[key] = value
            sides[ANSWER_PREFIX + key] = side
    return merged, sides
