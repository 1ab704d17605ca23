import uuid
from datetime import date

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles.models import Client, ConsentRecord, FamilyLinkRow
from clients.search.repository import has_phone_key
from kit.db import flush

IDENTIFIER_UNIQUE = "uq_clients_agency_identifier"


async def add(db: AsyncSession, client: Client) -> Client:
    db.add(client)
    await flush(db)
    return client


async def save(db: AsyncSession) -> None:
    await flush(db)


async def get(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, *, for_update: bool = False
) -> Client | None:
    query = select(Client).where(Client.id == client_id, Client.agency_id == agency_id)
    if for_update:
        # Concurrent changes of one profile queue up: versions and history stay in order.
        query = query.with_for_update()
    result = await db.scalars(query)
    return result.first()


async def page(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    identifier: str | None,
    phone_key: str | None,
    birth_date: date | None,
    kind: str | None,
    program: uuid.UUID | None = None,
    limit: int,
    offset: int,
) -> list[Client]:
    query = select(Client).where(Client.agency_id == agency_id, Client.status == "active")
    if identifier is not None:
        query = query.where(Client.identifier_value == identifier)
    if phone_key is not None:
        query = query.where(has_phone_key(agency_id, phone_key))  # b-tree, not the array
    if birth_date is not None:
        query = query.where(Client.birth_date == birth_date)
    if kind is not None:
        query = query.where(Client.kind == kind)
    if program is not None:
        query = query.where(Client.program_ids.contains([program]))  # GIN: ix_clients_program_ids
    if identifier is not None or phone_key is not None or birth_date is not None:
        # A withdrawn consent hides the identifying fields: they cannot find the client.
        query = query.where(Client.consent_status != "withdrawn")
    query = query.order_by(Client.created_at.desc(), Client.id).limit(limit).offset(offset)
    return list(await db.scalars(query))


def add_consent(db: AsyncSession, record: ConsentRecord) -> None:
    db.add(record)


async def family_of(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[FamilyLinkRow]:
    query = (
        select(FamilyLinkRow)
        .where(FamilyLinkRow.agency_id == agency_id, FamilyLinkRow.client_id == client_id)
        .order_by(FamilyLinkRow.created_at, FamilyLinkRow.related_client_id)
    )
    return list(await db.scalars(query))


async def replace_link(db: AsyncSession, links: list[FamilyLinkRow]) -> None:
    """Write both directions of a link, replacing an earlier link between the two."""
    for link in links:
        await db.execute(
            delete(FamilyLinkRow).where(
                FamilyLinkRow.agency_id == link.agency_id,
                FamilyLinkRow.client_id == link.client_id,
                FamilyLinkRow.related_client_id == link.related_client_id,
            )
        )
    db.add_all(links)
    await flush(db)


async def remove_link(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, related_id: uuid.UUID
) -> int:
    """Remove both directions; the number of rows removed (0: there was no link)."""
    result = await db.execute(
        delete(FamilyLinkRow).where(
            FamilyLinkRow.agency_id == agency_id,
            or_(
                (FamilyLinkRow.client_id == client_id)
                & (FamilyLinkRow.related_client_id == related_id),
                (FamilyLinkRow.client_id == related_id)
                & (FamilyLinkRow.related_client_id == client_id),
            ),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
