"""Which keys a profile is indexed under (pure: no database)."""

import uuid

from clients.profiles.models import Client
from clients.search.index import keys_of
from clients.search.keys import query_keys


def _client(**fields: object) -> Client:
    base: dict[str, object] = {
        "id": uuid.uuid4(),
        "agency_id": uuid.uuid4(),
        "kind": "named",
        "consent_status": "given",
        "given_name": "Olena",
        "family_name": "Shevchenko",
        "preferred_name": None,
        "other_names": [],
    }
    return Client(**{**base, **fields})


def test_a_named_profile_is_indexed_under_its_names_and_other_spellings() -> None:
    keys = keys_of(_client(other_names=["Olena Kovalenko"], preferred_name="Lena"))
    assert keys & query_keys("Elena Shevchenko")
    assert keys & query_keys("Olena Kovalenko")


def test_restricted_and_anonymous_profiles_have_no_keys() -> None:
    assert keys_of(_client(consent_status="withdrawn")) == set()
    assert keys_of(_client(kind="anonymous", given_name=None, family_name=None)) == set()
