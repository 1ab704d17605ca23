"""iCARE's value lists for support services, and matching a label whatever its case."""

from functools import cache

from reference import code_lists
from reference.icare import catalog

# The template whose support-services block the lists are read from (the same lists in
# every template that carries the block).
TEMPLATE = "lt_client_enrolment"
AGE_FIELD = "childminding_NewcomerChildren[1]childminding_age_id"
CARE_FIELD = "childminding_NewcomerChildren[1]childminding_type_id"


@cache
def age_groups() -> tuple[str, ...]:
    return catalog.template(TEMPLATE).field(AGE_FIELD).values or ()


@cache
def care_types() -> tuple[str, ...]:
    return catalog.template(TEMPLATE).field(CARE_FIELD).values or ()


@cache
def languages() -> tuple[str, ...]:
    return code_lists.get("language").values


@cache
def _folded(values: tuple[str, ...]) -> dict[str, str]:
    return {v.strip().casefold(): v for v in values}


def exact(values: tuple[str, ...], given: str) -> str | None:
    """The list's exact label for `given` (letter case and outer spaces aside), or None."""
    return _folded(values).get(given.strip().casefold())
