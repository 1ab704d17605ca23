import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from identity.audit import repository as repo
from identity.audit.schemas import AuditOut, AuditPage
from kit.auth import Principal


async def agency_trail(
    db: AsyncSession,
    actor: Principal,
    *,
    action: str | None = None,
    entity_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AuditPage:
    """Sign-ins, credential changes and staff administration of the actor's agency."""
    rows = await repo.entries(
        db,
        actor.agency_id,
        action=action,
        entity_id=str(entity_id) if entity_id else None,
        limit=limit + 1,  # one more tells whether a next page exists
        offset=offset,
    )
    items = [
        AuditOut(
            id=row.id,
            at=row.at,
            action=row.action,
            actor_id=row.actor_id,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            detail=row.detail,
            request_id=row.request_id,
        )
        for row in rows[:limit]
    ]
    return AuditPage(items=items, next_offset=offset + limit if len(rows) > limit else None)
