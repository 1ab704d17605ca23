import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.history.models import ClientChange


def add(db: AsyncSession, change: ClientChange) -> None:
    db.add(change)


async def for_client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, *, limit: int, offset: int
) -> list[ClientChange]:
    query = (
        select(ClientChange)
        .where(ClientChange.agency_id == agency_id, ClientChange.client_id == client_id)
        .order_by(ClientChange.at.desc(), ClientChange.id)
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(query))
