import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from clients.audit import service
from clients.audit.schemas import ClientAuditPage
from clients.deps import Supervisor
from kit.db import DbSession

router = APIRouter(prefix="/clients/{client_id}/audit", tags=["audit"])


@router.get("")
async def client_audit(
    client_id: uuid.UUID,
    db: DbSession,
    actor: Supervisor,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ClientAuditPage:
    """Who viewed, listed or changed this client (managers and agency admins)."""
    return await service.client_trail(db, actor, client_id, limit=limit, offset=offset)
