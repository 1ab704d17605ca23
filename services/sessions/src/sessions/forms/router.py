import uuid

from fastapi import APIRouter

from kit.db import DbSession
from sessions.deps import Staff
from sessions.forms import service
from sessions.forms.schemas import ServiceFormCreate, ServiceFormOut

router = APIRouter(prefix="/sessions/{session_id}/forms", tags=["service forms"])


@router.post("", status_code=201)
async def add_form(
    session_id: uuid.UUID, body: ServiceFormCreate, db: DbSession, actor: Staff
) -> ServiceFormOut:
    return await service.add_form(db, actor, session_id, body)


@router.get("/{form_id}")
async def get_form(
    session_id: uuid.UUID, form_id: uuid.UUID, db: DbSession, actor: Staff
) -> ServiceFormOut:
    return await service.get_form(db, actor, session_id, form_id)
