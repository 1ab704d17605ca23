import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from identity.audit import service
from identity.audit.schemas import AuditPage
from identity.deps import Actor
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(tags=["audit"])


@router.get("/audit", dependencies=[require_role(Role.AGENCY_ADMIN)])
async def agency_trail(
    db: DbSession,
    actor: Actor,
    action: Annotated[str | None, Query(max_length=100)] = None,
    entity_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    return await service.agency_trail(
        db, actor, action=action, entity_id=entity_id, limit=limit, offset=offset
    )
