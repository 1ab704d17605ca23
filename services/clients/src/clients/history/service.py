import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from clients.history import repository as repo
from clients.history.models import ClientChange
from clients.history.schemas import ChangeOut, HistoryPage
from clients.staff.service import staff_names
from kit.auth import Principal
from kit.clock import utcnow


def record(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, action: str, fields: Iterable[str]
) -> None:
    """Add a history entry in the caller's transaction."""
    repo.add(
        db,
        ClientChange(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            client_id=client_id,
            action=action,
            fields=sorted(set(fields)),
            actor_id=actor.user_id,
            at=utcnow(),
        ),
    )


async def history(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, *, limit: int, offset: int
) -> HistoryPage:
    """The profile's changes, newest first (the caller checked the client is visible)."""
    await db.flush()  # entries added in this transaction are part of the answer
    rows = await repo.for_client(db, actor.agency_id, client_id, limit=limit + 1, offset=offset)
    names = await staff_names(db, actor.agency_id, [r.actor_id for r in rows])
    return HistoryPage(
        items=[
            ChangeOut(
                at=r.at,
                action=r.action,
                fields=list(r.fields),
                actor_id=r.actor_id,
                actor_name=names.get(r.actor_id),
            )
            for r in rows[:limit]
        ],
        next_offset=offset + limit if len(rows) > limit else None,
    )
