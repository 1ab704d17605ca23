import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.programs.models import Program
from kit.db import flush


async def add(db: AsyncSession, program: Program) -> Program:
    db.add(program)
    await flush(db)
    return program


async def save(db: AsyncSession) -> None:
    await flush(db)


async def get(db: AsyncSession, agency_id: uuid.UUID, program_id: uuid.UUID) -> Program | None:
    result = await db.scalars(
        select(Program).where(Program.id == program_id, Program.agency_id == agency_id)
    )
    return result.first()


async def by_code(db: AsyncSession, agency_id: uuid.UUID, code: str) -> Program | None:
    result = await db.scalars(
        select(Program).where(Program.agency_id == agency_id, Program.code == code)
    )
    return result.first()


async def list_for(
    db: AsyncSession, agency_id: uuid.UUID, *, active: bool | None = None
) -> list[Program]:
    query = select(Program).where(Program.agency_id == agency_id)
    if active is not None:
        query = query.where(Program.active == active)
    result = await db.scalars(query.order_by(Program.name))
    return list(result)


async def active_ids_among(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    if not ids:
        return set()
    result = await db.scalars(
        select(Program.id).where(
            Program.agency_id == agency_id, Program.id.in_(set(ids)), Program.active.is_(True)
        )
    )
    return set(result)
