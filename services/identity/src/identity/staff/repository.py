import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from identity.programs.models import Program
from identity.staff.models import ProgramMembership, User
from kit.auth import Role
from kit.db import flush


async def add(db: AsyncSession, user: User) -> User:
    db.add(user)
    await flush(db)
    return user


async def save(db: AsyncSession) -> None:
    await flush(db)


async def get(db: AsyncSession, agency_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    result = await db.scalars(select(User).where(User.id == user_id, User.agency_id == agency_id))
    return result.first()


async def get_any_agency(db: AsyncSession, user_id: uuid.UUID) -> User | None:
    """For sign-in paths (scope `auth`), before the agency is known."""
    return await db.get(User, user_id)


async def by_email(db: AsyncSession, email: str) -> User | None:
    result = await db.scalars(select(User).where(func.lower(User.email) == email.lower()))
    return result.first()


async def list_for(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    role: Role | None = None,
    program_id: uuid.UUID | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[User]:
    query = select(User).where(User.agency_id == agency_id)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active == active)
    if program_id is not None:
        query = query.where(
            User.id.in_(
                select(ProgramMembership.user_id).where(ProgramMembership.program_id == program_id)
            )
        )
    query = query.order_by(User.family_name, User.given_name, User.id).limit(limit).offset(offset)
    return list(await db.scalars(query))


async def program_ids(
    db: AsyncSession, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every program each user belongs to (active or not), sorted for stable output."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return found
    rows = await db.execute(
        select(ProgramMembership.user_id, ProgramMembership.program_id)
        .where(ProgramMembership.user_id.in_(set(user_ids)))
        .order_by(ProgramMembership.program_id)
    )
    for user_id, program_id in rows:
        found[user_id].append(program_id)
    return found


async def active_program_ids(db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """The programs that count in the user's token: memberships of active programs."""
    result = await db.scalars(
        select(ProgramMembership.program_id)
        .join(Program, Program.id == ProgramMembership.program_id)
        .where(ProgramMembership.user_id == user_id, Program.active.is_(True))
        .order_by(ProgramMembership.program_id)
    )
    return list(result)


async def set_programs(db: AsyncSession, user: User, program_ids: Collection[uuid.UUID]) -> None:
    await db.execute(delete(ProgramMembership).where(ProgramMembership.user_id == user.id))
    db.add_all(
        ProgramMembership(user_id=user.id, program_id=program_id, agency_id=user.agency_id)
        for program_id in set(program_ids)
    )
    await flush(db)


async def managed_ids(db: AsyncSession, manager_id: uuid.UUID) -> list[uuid.UUID]:
    """Active users who report to `manager_id`."""
    result = await db.scalars(
        select(User.id)
        .where(User.manager_id == manager_id, User.active.is_(True))
        .order_by(User.id)
    )
    return list(result)


async def claim_totp_step(db: AsyncSession, user_id: uuid.UUID, step: int) -> bool:
    """Record `step` as the last accepted TOTP step unless an equal or later one was.

    One conditional UPDATE, so two sign-ins racing with the same code cannot both win.
    """
    result = await db.execute(
        update(User)
        .where(
            User.id == user_id,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .returning(User.id)
    )
    return result.first() is not None
