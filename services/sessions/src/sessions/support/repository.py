import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.support.models import SupportServices


async def of_client(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID, client_id: uuid.UUID
) -> SupportServices | None:
    query = (
        select(SupportServices)
        .where(
            SupportServices.agency_id == agency_id,
            SupportServices.session_id == session_id,
            SupportServices.client_id == client_id,
        )
        .with_for_update()
    )
    return (await db.scalars(query)).one_or_none()


async def of_session(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID
) -> list[SupportServices]:
    query = (
        select(SupportServices)
        .where(SupportServices.agency_id == agency_id, SupportServices.session_id == session_id)
        .order_by(SupportServices.updated_at, SupportServices.client_id)
    )
    return list(await db.scalars(query))


async def save(db: AsyncSession, row: SupportServices) -> None:
    db.add(row)
    await flush(db)
