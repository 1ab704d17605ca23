import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from clients.deps import Staff
from clients.notes import service
from clients.notes.schemas import NoteCreate, NoteOut, NotePage
from kit.db import DbSession

router = APIRouter(prefix="/clients/{client_id}/notes", tags=["notes"])


@router.post("", status_code=201)
async def add_note(client_id: uuid.UUID, body: NoteCreate, db: DbSession, actor: Staff) -> NoteOut:
    return await service.add_note(db, actor, client_id, body)


@router.get("")
async def list_notes(
    client_id: uuid.UUID,
    db: DbSession,
    actor: Staff,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> NotePage:
    return await service.list_notes(db, actor, client_id, limit=limit, offset=offset)
