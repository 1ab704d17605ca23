import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles.models import Client


async def taken_identifiers(
    db: AsyncSession, agency_id: uuid.UUID, identifiers: Collection[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (type, value) identifiers a client of the agency already has."""
    if not identifiers:
        return set()
    query = select(Client.identifier_type, Client.identifier_value).where(
        Client.agency_id == agency_id,
        tuple_(Client.identifier_type, Client.identifier_value).in_(list(identifiers)),
    )
    return {(t, v) for t, v in (await db.execute(query)).all() if t and v}


async def named_born_on(
    db: AsyncSession, agency_id: uuid.UUID, birth_dates: Collection[date]
) -> list[tuple[uuid.UUID, str | None, str | None, date]]:
    """Named clients of the agency born on one of these dates, whose names may be shown
    (a client who withdrew consent is not matched by name)."""
    if not birth_dates:
        return []
    query = select(Client.id, Client.given_name, Client.family_name, Client.birth_date).where(
        Client.agency_id == agency_id,
        Client.kind == "named",
        Client.consent_status != "withdrawn",
        Client.birth_date.in_(list(birth_dates)),
    )
    return [(i, g, f, b) for i, g, f, b in (await db.execute(query)).all() if b is not None]
