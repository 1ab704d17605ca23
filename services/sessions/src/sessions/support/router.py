import uuid

from fastapi import APIRouter

from kit.db import DbSession
from sessions.deps import Staff
from sessions.support import service
from sessions.support.schemas import (
    SupportServicesIn,
    SupportServicesList,
    SupportServicesOut,
    SupportValues,
)

router = APIRouter(tags=["support services"])


@router.get("/support-services/values")
async def support_values(_: Staff) -> SupportValues:
    """The value lists support services take (iCARE's exact labels)."""
    return service.value_lists()


@router.get("/sessions/{session_id}/support")
async def session_support(
    session_id: uuid.UUID, db: DbSession, actor: Staff
) -> SupportServicesList:
    """The support services each client received in the session."""
    return await service.list_for_session(db, actor, session_id)


@router.put("/sessions/{session_id}/support/{client_id}")
async def record_support(
    session_id: uuid.UUID,
    client_id: uuid.UUID,
    body: SupportServicesIn,
    db: DbSession,
    actor: Staff,
) -> SupportServicesOut:
    """Record (or replace) the support services one client received in the session."""
    return await service.record(db, actor, session_id, client_id, body)
