import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from clients.deps import Staff
from clients.history import service
from clients.history.schemas import HistoryPage
from clients.profiles.service import audit, visible_client
from kit.auth import Principal
from kit.db import DbSession

router = APIRouter(prefix="/clients/{client_id}/history", tags=["history"])


async def _history(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, limit: int, offset: int
) -> HistoryPage:
    client = await visible_client(db, actor, client_id)
    await audit(db, actor, "client.history_viewed", client.id)
    return await service.history(db, actor, client.id, limit=limit, offset=offset)


@router.get("")
async def client_history(
    client_id: uuid.UUID,
    db: DbSession,
    actor: Staff,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HistoryPage:
    return await _history(db, actor, client_id, limit, offset)
