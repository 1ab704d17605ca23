import uuid

from fastapi import APIRouter, Response

from kit.db import DbSession
from sessions.deps import Settings, Staff
from sessions.groups import service
from sessions.groups.schemas import (
    AnonymousCount,
    AttendeeFormSave,
    AttendeeOut,
    AttendeesAdd,
    GroupAttendanceOut,
)

router = APIRouter(prefix="/sessions/{session_id}/attendees", tags=["group activities"])


@router.get("")
async def get_attendance(session_id: uuid.UUID, db: DbSession, actor: Staff) -> GroupAttendanceOut:
    """The named attendees (with their forms) and the count of anonymous attendees."""
    return await service.get_attendance(db, actor, session_id)


@router.post("", status_code=201)
async def add_attendees(
    session_id: uuid.UUID, body: AttendeesAdd, db: DbSession, actor: Staff, settings: Settings
) -> GroupAttendanceOut:
    """Add named attendees; a client already attending is a 409 naming them."""
    return await service.add_attendees(db, actor, session_id, body, wait=settings.copy_wait_seconds)


@router.put("/anonymous")
async def set_anonymous(
    session_id: uuid.UUID, body: AnonymousCount, db: DbSession, actor: Staff
) -> GroupAttendanceOut:
    """How many attended without being named."""
    return await service.set_anonymous(db, actor, session_id, body)


@router.get("/{client_id}")
async def get_attendee(
    session_id: uuid.UUID, client_id: uuid.UUID, db: DbSession, actor: Staff
) -> AttendeeOut:
    return await service.get_attendee(db, actor, session_id, client_id)


@router.delete("/{client_id}", status_code=204)
async def remove_attendee(
    session_id: uuid.UUID, client_id: uuid.UUID, db: DbSession, actor: Staff
) -> Response:
    await service.remove_attendee(db, actor, session_id, client_id)
    return Response(status_code=204)


@router.put("/{client_id}/form")
async def save_attendee_form(
    session_id: uuid.UUID,
    client_id: uuid.UUID,
    body: AttendeeFormSave,
    db: DbSession,
    actor: Staff,
) -> AttendeeOut:
    """The attendee's own form (the group type's attendee form): saved as a draft,
    completed, or amended (a completed form keeps every version; `reason` says why)."""
    return await service.save_attendee_form(db, actor, session_id, client_id, body)
