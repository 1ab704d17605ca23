import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.records.models import SessionRecord


async def add(db: AsyncSession, record: SessionRecord) -> SessionRecord:
    db.add(record)
    await flush(db)
    return record


def _visible(
    user_id: uuid.UUID, programs: Collection[uuid.UUID], manages: Collection[uuid.UUID]
) -> ColumnElement[bool]:
    """Own sessions always; others' inside the user's programs, and a private one only
    when the user manages its author."""
    in_programs = SessionRecord.program_id.in_(set(programs)) if programs else false()
    managed = SessionRecord.worker_id.in_(set(manages)) if manages else false()
    return or_(
        SessionRecord.worker_id == user_id,
        and_(in_programs, or_(SessionRecord.private.is_(False), managed)),
    )


async def visible(
    db: AsyncSession,
    agency_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    programs: Collection[uuid.UUID],
    manages: Collection[uuid.UUID],
) -> SessionRecord | None:
    query = select(SessionRecord).where(
        SessionRecord.agency_id == agency_id,
        SessionRecord.id == session_id,
        _visible(user_id, programs, manages),
    )
    return (await db.scalars(query)).one_or_none()


async def visible_for_client(
    db: AsyncSession,
    agency_id: uuid.UUID,
    client_ids: Collection[uuid.UUID] | None,
    *,
    user_id: uuid.UUID,
    programs: Collection[uuid.UUID],
    manages: Collection[uuid.UUID],
    limit: int,
    offset: int,
) -> list[SessionRecord]:
    """The sessions this user may read (of the clients given: one client and the
    profiles merged into it), newest first."""
    query = select(SessionRecord).where(
        SessionRecord.agency_id == agency_id, _visible(user_id, programs, manages)
    )
    if client_ids is not None:
        query = query.where(SessionRecord.client_ids.overlap(list(client_ids)))
    query = (
        query.order_by(SessionRecord.date.desc(), SessionRecord.start_time.desc(), SessionRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(query))
