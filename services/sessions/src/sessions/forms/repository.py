import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.forms.models import FollowUpRequest, ServiceForm, ServiceFormVersion


async def add(db: AsyncSession, form: ServiceForm) -> ServiceForm:
    db.add(form)
    await flush(db)
    return form


def _readable(user_id: uuid.UUID, manages: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """A private form: its author and the author's manager only (the session's own
    visibility is checked first)."""
    managed = ServiceForm.author_id.in_(set(manages)) if manages else false()
    return or_(ServiceForm.private.is_(False), ServiceForm.author_id == user_id, managed)


async def of_session(
    db: AsyncSession,
    agency_id: uuid.UUID,
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    manages: Collection[uuid.UUID],
    for_update: bool = False,
) -> ServiceForm | None:
    query = select(ServiceForm).where(
        ServiceForm.agency_id == agency_id,
        ServiceForm.session_id == session_id,
        ServiceForm.id == form_id,
        _readable(user_id, manages),
    )
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).one_or_none()


async def all_of_session(
    db: AsyncSession,
    agency_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    manages: Collection[uuid.UUID],
) -> list[ServiceForm]:
    query = (
        select(ServiceForm)
        .where(
            ServiceForm.agency_id == agency_id,
            ServiceForm.session_id == session_id,
            _readable(user_id, manages),
        )
        .order_by(ServiceForm.created_at, ServiceForm.id)
    )
    return list(await db.scalars(query))


async def add_version(db: AsyncSession, row: ServiceFormVersion) -> None:
    db.add(row)
    await flush(db)


async def versions(
    db: AsyncSession, agency_id: uuid.UUID, form_id: uuid.UUID
) -> list[ServiceFormVersion]:
    query = (
        select(ServiceFormVersion)
        .where(ServiceFormVersion.agency_id == agency_id, ServiceFormVersion.form_id == form_id)
        .order_by(ServiceFormVersion.version)
    )
    return list(await db.scalars(query))


async def follow_ups(
    db: AsyncSession, agency_id: uuid.UUID, form_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[FollowUpRequest]]:
    found: dict[uuid.UUID, list[FollowUpRequest]] = {i: [] for i in form_ids}
    if not form_ids:
        return found
    query = (
        select(FollowUpRequest)
        .where(FollowUpRequest.agency_id == agency_id, FollowUpRequest.form_id.in_(set(form_ids)))
        .order_by(FollowUpRequest.form_id, FollowUpRequest.position)
    )
    for row in await db.scalars(query):
        found[row.form_id].append(row)
    return found


async def add_follow_ups(db: AsyncSession, rows: list[FollowUpRequest]) -> None:
    db.add_all(rows)
    await flush(db)


async def delete_follow_ups(db: AsyncSession, rows: list[FollowUpRequest]) -> None:
    for row in rows:
        await db.delete(row)
    await flush(db)


async def flush_changes(db: AsyncSession) -> None:
    await flush(db)
