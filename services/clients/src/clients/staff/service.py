"""Display names of staff and programs, from the local copies (unknown ids stay None)."""

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from clients.staff import repository as repo


async def staff_names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    found = await repo.staff_by_id(db, agency_id, {i for i in ids if i is not None})
    return {i: f"{s.given_name} {s.family_name}" for i, s in found.items()}


async def program_names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    found = await repo.programs_by_id(db, agency_id, {i for i in ids if i is not None})
    return {i: p.name for i, p in found.items()}
