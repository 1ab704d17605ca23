import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from clients.audit import repository as repo
from clients.audit.schemas import ClientAuditOut, ClientAuditPage
from clients.profiles.service import audit, visible_client
from clients.staff.service import staff_names
from kit.auth import Principal


async def client_trail(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, *, limit: int, offset: int
) -> ClientAuditPage:
    client = await visible_client(db, actor, client_id)
    rows = await repo.for_client(db, actor.agency_id, client.id, limit=limit + 1, offset=offset)
    # Reading the trail is recorded too, after the rows are read (it is not its own answer).
    await audit(db, actor, "client.audit_viewed", client.id)
    names = await staff_names(db, actor.agency_id, [r.actor_id for r in rows])
    return ClientAuditPage(
        items=[
            ClientAuditOut(
                at=r.at,
                action=r.action,
                actor_id=r.actor_id,
                actor_name=names.get(r.actor_id) if r.actor_id else None,
                reason=r.reason,
                request_id=r.request_id,
            )
            for r in rows[:limit]
        ],
        next_offset=offset + limit if len(rows) > limit else None,
    )
