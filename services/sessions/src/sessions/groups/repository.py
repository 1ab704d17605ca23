import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.groups.models import GroupActivity, GroupAttendee
from sessions.records.models import SessionRecord


async def lock_session(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID
) -> SessionRecord | None:
    """The session row, locked until the transaction ends and read afresh: changes to
    one group's attendance are applied one after the other."""
    query = (
        select(SessionRecord)
        .where(SessionRecord.agency_id == agency_id, SessionRecord.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await db.scalars(query)).one_or_none()


async def activity(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID
) -> GroupActivity | None:
    query = select(GroupActivity).where(
        GroupActivity.agency_id == agency_id, GroupActivity.session_id == session_id
    )
    return (await db.scalars(query)).one_or_none()


async def attendees(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID
) -> list[GroupAttendee]:
    query = select(GroupAttendee).where(
        GroupAttendee.agency_id == agency_id, GroupAttendee.session_id == session_id
    )
    return list(await db.scalars(query))


async def attendee(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID, client_id: uuid.UUID
) -> GroupAttendee | None:
    query = select(GroupAttendee).where(
        GroupAttendee.agency_id == agency_id,
        GroupAttendee.session_id == session_id,
        GroupAttendee.client_id == client_id,
    )
    return (await db.scalars(query)).one_or_none()


async def add(db: AsyncSession, *rows: GroupActivity | GroupAttendee) -> None:
    db.add_all(rows)
    await flush(db)


async def remove(db: AsyncSession, row: GroupAttendee) -> None:
    await db.delete(row)
    await flush(db)


async def save(db: AsyncSession) -> None:
    """Write the pending changes of loaded rows now."""
    await flush(db)
