import uuid
from collections.abc import Collection

from sqlalchemy import and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.notes.models import Note
from kit.db import flush


async def add(db: AsyncSession, note: Note) -> Note:
    db.add(note)
    await flush(db)
    return note


async def visible_for(
    db: AsyncSession,
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    programs: Collection[uuid.UUID],
    manages: Collection[uuid.UUID],
    limit: int,
    offset: int,
) -> list[Note]:
    """The notes this user may read, newest first.

    Own notes always; another's private note only when the user manages its author;
    another's program note only inside the user's programs.
    """
    managed_private = Note.author_id.in_(set(manages)) if manages else false()
    in_programs = Note.program_id.in_(set(programs)) if programs else false()
    shared = and_(Note.private.is_(False), or_(Note.program_id.is_(None), in_programs))
    query = (
        select(Note)
        .where(
            Note.agency_id == agency_id,
            Note.client_id == client_id,
            or_(Note.author_id == user_id, and_(Note.private.is_(True), managed_private), shared),
        )
        .order_by(Note.created_at.desc(), Note.id)
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(query))
