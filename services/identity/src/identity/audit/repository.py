import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import AuditEntry


async def entries(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    action: str | None,
    entity_id: str | None,
    limit: int,
    offset: int,
) -> list[AuditEntry]:
    """Newest first; the index on (agency_id, at) serves it."""
    query = select(AuditEntry).where(AuditEntry.agency_id == agency_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit).offset(offset)
    return list(await db.scalars(query))
