import uuid

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.partnerships.models import Partnership
from kit.db import flush


async def add(db: AsyncSession, partnership: Partnership) -> Partnership:
    db.add(partnership)
    await flush(db)
    return partnership


async def save(db: AsyncSession) -> None:
    await flush(db)


def _involving(agency_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(Partnership.agency_id == agency_id, Partnership.partner_agency_id == agency_id)


async def get(
    db: AsyncSession, agency_id: uuid.UUID, partnership_id: uuid.UUID
) -> Partnership | None:
    """A partnership the agency is part of, on either side; locked for a state change."""
    result = await db.scalars(
        select(Partnership)
        .where(Partnership.id == partnership_id, _involving(agency_id))
        .with_for_update()
    )
    return result.first()


async def list_for(db: AsyncSession, agency_id: uuid.UUID) -> list[Partnership]:
    result = await db.scalars(
        select(Partnership).where(_involving(agency_id)).order_by(Partnership.created_at.desc())
    )
    return list(result)
