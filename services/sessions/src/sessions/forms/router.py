import uuid

from fastapi import APIRouter

from kit.db import DbSession
from sessions.deps import Staff
from sessions.forms.schemas import (
    AmendmentIn,
    FormHistory,
    ServiceFormCreate,
    ServiceFormList,
    ServiceFormOut,
    ServiceFormUpdate,
)
from sessions.forms.service import amendments, drafts, reading, versions

router = APIRouter(prefix="/sessions/{session_id}/forms", tags=["service forms"])


@router.post("", status_code=201)
async def add_form(
    session_id: uuid.UUID, body: ServiceFormCreate, db: DbSession, actor: Staff
) -> ServiceFormOut:
    return await drafts.add_form(db, actor, session_id, body)


@router.get("")
async def list_forms(session_id: uuid.UUID, db: DbSession, actor: Staff) -> ServiceFormList:
    """The session's forms the caller may read (private ones of others left out)."""
    return await reading.list_forms(db, actor, session_id)


@router.get("/{form_id}")
async def get_form(
    session_id: uuid.UUID, form_id: uuid.UUID, db: DbSession, actor: Staff
) -> ServiceFormOut:
    return await reading.get_form(db, actor, session_id, form_id)


@router.patch("/{form_id}")
async def update_draft(
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    body: ServiceFormUpdate,
    db: DbSession,
    actor: Staff,
) -> ServiceFormOut:
    """Change a draft; `draft: false` completes it (a completed form is amended instead)."""
    return await drafts.update_draft(db, actor, session_id, form_id, body)


@router.post("/{form_id}/amendments", status_code=201)
async def amend_form(
    session_id: uuid.UUID, form_id: uuid.UUID, body: AmendmentIn, db: DbSession, actor: Staff
) -> ServiceFormOut:
    """Amend a completed form, with a reason; the previous version is kept."""
    return await amendments.amend(db, actor, session_id, form_id, body)


@router.get("/{form_id}/versions")
async def form_history(
    session_id: uuid.UUID, form_id: uuid.UUID, db: DbSession, actor: Staff
) -> FormHistory:
    """Every version of a completed form, oldest first: who, when, why, the answers."""
    return await versions.history(db, actor, session_id, form_id)
