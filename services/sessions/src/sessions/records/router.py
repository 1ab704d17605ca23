import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.db import DbSession
from sessions.deps import Settings, Staff
from sessions.records import service
from sessions.records.schemas import SessionCreate, SessionOut, SessionPage

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", status_code=201)
async def create_session(
    body: SessionCreate, db: DbSession, actor: Staff, settings: Settings
) -> SessionOut:
    return await service.create_session(db, actor, body, wait=settings.copy_wait_seconds)


@router.get("")
async def list_sessions(
    db: DbSession,
    actor: Staff,
    client_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SessionPage:
    return await service.list_sessions(db, actor, client_id, limit=limit, offset=offset)


@router.get("/{session_id}")
async def get_session(session_id: uuid.UUID, db: DbSession, actor: Staff) -> SessionOut:
    return await service.get_session(db, actor, session_id)
