import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from clients.staff.models import ProgramCopy, StaffMember


async def _upsert(db: AsyncSession, model: Any, values: dict[str, Any]) -> None:
    """Insert, or overwrite a row whose state is not newer than `values`.

    Events may arrive out of order (retries, redeliveries): comparing when identity
    produced each state keeps the newest one.
    """
    statement = insert(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[model.id],
        set_={k: statement.excluded[k] for k in values if k != "id"},
        where=model.source_at <= statement.excluded.source_at,
    )
    await db.execute(statement)


async def upsert_staff(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, StaffMember, values)


async def upsert_program(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, ProgramCopy, values)


async def staff_by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, StaffMember]:
    if not ids:
        return {}
    rows = await db.scalars(
        select(StaffMember).where(StaffMember.agency_id == agency_id, StaffMember.id.in_(set(ids)))
    )
    return {row.id: row for row in rows}


async def programs_by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ProgramCopy]:
    if not ids:
        return {}
    rows = await db.scalars(
        select(ProgramCopy).where(ProgramCopy.agency_id == agency_id, ProgramCopy.id.in_(set(ids)))
    )
    return {row.id: row for row in rows}
