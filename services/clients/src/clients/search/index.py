"""Keeping a profile's name and phone keys in step with it, in the caller's transaction.

What is indexed: a named profile whose consent stands, under its given, family and
preferred names and other spellings, with its date of birth. An anonymous profile has
no names; a merged one is found by nobody (its survivor is); a restricted one (consent
withdrawn) loses its keys, so nobody finds it by name, and gets them back when consent
is given again. Phone keys (`client_phone_keys`) follow the same rule: exact phone
lookups find exactly the profiles name search may find.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles.models import Client
from clients.search import repository as repo
from clients.search.keys import name_keys

# The profile fields the keys (and their birth_date column) are built from.
INDEXED_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "preferred_name",
        "other_names",
        "birth_date",
        "kind",
        "phones",
        "phone_keys",
    }
)


def other_spellings(client: Client) -> list[str]:
    """Names besides given/family that a search should find the client by."""
    return [name for name in [client.preferred_name, *client.other_names] if name]


def _findable(client: Client) -> bool:
    return client.kind == "named" and not client.restricted and client.status != "merged"


def keys_of(client: Client) -> set[str]:
    if not _findable(client):
        return set()
    return name_keys(client.given_name or "", client.family_name or "", other_spellings(client))


def phone_keys_of(client: Client) -> set[str]:
    if not _findable(client):
        return set()
    return {key for key in client.phone_keys or [] if key}


async def reindex(db: AsyncSession, client: Client) -> None:
    """Replace the client's name and phone keys by its current ones (none if restricted)."""
    await repo.delete_keys(db, client.id)
    await repo.insert_keys(
        db,
        client.agency_id,
        client.id,
        client.birth_date,
        keys_of(client),
        phone_keys_of(client),
    )
