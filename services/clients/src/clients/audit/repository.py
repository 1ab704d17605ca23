import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import AuditEntry


async def for_client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, *, limit: int, offset: int
) -> list[AuditEntry]:
    """Entries about the client, and the lists it appeared in; newest first."""
    key = str(client_id)
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.agency_id == agency_id,
            AuditEntry.entity_type == "client",
            or_(
                AuditEntry.entity_id == key,
                AuditEntry.detail["client_ids"].contains([key]),
            ),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id)
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(query))
