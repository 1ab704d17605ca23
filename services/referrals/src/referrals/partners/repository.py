import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from referrals.partners.models import Partner

NAME_TAKEN = "uq_partners_agency_name"


async def add(db: AsyncSession, partner: Partner) -> Partner:
    db.add(partner)
    await flush(db)
    return partner


async def save(db: AsyncSession) -> None:
    await flush(db)


async def get(db: AsyncSession, agency_id: uuid.UUID, partner_id: uuid.UUID) -> Partner | None:
    query = select(Partner).where(Partner.agency_id == agency_id, Partner.id == partner_id)
    return (await db.scalars(query)).one_or_none()


async def search(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    text: str | None,
    service: str | None,
    language: str | None,
    include_inactive: bool,
) -> list[Partner]:
    query = select(Partner).where(Partner.agency_id == agency_id)
    if not include_inactive:
        query = query.where(Partner.active.is_(True))
    if text:
        query = query.where(Partner.name.ilike(f"%{_escape(text)}%", escape="\\"))
    if service:
        offered = func.array_to_string(Partner.services_offered, "\n")
        query = query.where(offered.ilike(f"%{_escape(service)}%", escape="\\"))
    if language:
        spoken = func.lower(func.array_to_string(Partner.languages, "\n"))
        query = query.where(spoken.contains(language.lower()))
    return list(await db.scalars(query.order_by(func.lower(Partner.name), Partner.id).limit(500)))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
