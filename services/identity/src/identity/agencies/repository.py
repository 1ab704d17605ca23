import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.agencies.models import Agency
from kit.db import flush


async def add(db: AsyncSession, agency: Agency) -> Agency:
    db.add(agency)
    await flush(db)
    return agency


async def get(db: AsyncSession, agency_id: uuid.UUID) -> Agency | None:
    return await db.get(Agency, agency_id)


async def by_code(db: AsyncSession, code: str) -> Agency | None:
    result = await db.scalars(select(Agency).where(Agency.code == code))
    return result.first()


async def list_all(db: AsyncSession) -> list[Agency]:
    result = await db.scalars(select(Agency).order_by(Agency.name))
    return list(result)


async def names(db: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the agencies among `ids` this transaction may see."""
    if not ids:
        return {}
    rows = await db.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids)))
    return {row.id: row.name for row in rows}
