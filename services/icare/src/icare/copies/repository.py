"""Queries on the local copies."""

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icare.copies.models import (
    AgencyCopy,
    AgreementCopy,
    ClientCopy,
    ProgramCopy,
    ServiceCopy,
    StaffCopy,
)


async def _upsert(db: AsyncSession, model: Any, values: dict[str, Any], newer: Any) -> None:
    """Insert, or overwrite a row whose state is not newer than `values` (`newer` is the
    condition on the existing row and `excluded`)."""
    statement = insert(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[model.id],
        set_={k: statement.excluded[k] for k in values if k != "id"},
        where=newer(statement.excluded),
    )
    await db.execute(statement)


def _by_time(model: Any) -> Any:
    return lambda excluded: model.source_at <= excluded.source_at


async def upsert_agency(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, AgencyCopy, values, _by_time(AgencyCopy))


async def upsert_staff(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, StaffCopy, values, _by_time(StaffCopy))


async def upsert_program(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, ProgramCopy, values, _by_time(ProgramCopy))


async def upsert_agreement(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(db, AgreementCopy, values, _by_time(AgreementCopy))


async def upsert_client(db: AsyncSession, values: dict[str, Any]) -> None:
    """A profile state; `merged_into`/`merge_id` are only written when given."""
    await _upsert(db, ClientCopy, values, lambda ex: ClientCopy.version <= ex.version)


async def set_merged(
    db: AsyncSession,
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    merged_into: uuid.UUID | None,
    merge_id: uuid.UUID | None,
) -> None:
    await db.execute(
        update(ClientCopy)
        .where(ClientCopy.agency_id == agency_id, ClientCopy.id == client_id)
        .values(merged_into=merged_into, merge_id=merge_id)
    )


async def upsert_service(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(
        db,
        ServiceCopy,
        values,
        lambda ex: (
            (ServiceCopy.version < ex.version)
            | ((ServiceCopy.version == ex.version) & (ServiceCopy.source_at <= ex.source_at))
        ),
    )


async def agency(db: AsyncSession, agency_id: uuid.UUID) -> AgencyCopy | None:
    return await db.get(AgencyCopy, agency_id)


async def agreement(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID
) -> AgreementCopy | None:
    found = await db.get(AgreementCopy, agreement_id)
    return found if found is not None and found.agency_id == agency_id else None


async def agreements(db: AsyncSession, agency_id: uuid.UUID) -> Sequence[AgreementCopy]:
    rows = await db.scalars(
        select(AgreementCopy)
        .where(AgreementCopy.agency_id == agency_id)
        .order_by(AgreementCopy.starts_on, AgreementCopy.agreement_number)
    )
    return rows.all()


async def services_between(
    db: AsyncSession,
    agency_id: uuid.UUID,
    program_ids: Collection[uuid.UUID],
    first: dt.date,
    last: dt.date,
) -> Sequence[ServiceCopy]:
    if not program_ids:
        return []
    rows = await db.scalars(
        select(ServiceCopy)
        .where(
            ServiceCopy.agency_id == agency_id,
            ServiceCopy.program_id.in_(set(program_ids)),
            ServiceCopy.service_date >= first,
            ServiceCopy.service_date <= last,
        )
        .order_by(ServiceCopy.service_date, ServiceCopy.id)
    )
    return rows.all()


async def services_by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> Sequence[ServiceCopy]:
    if not ids:
        return []
    rows = await db.scalars(
        select(ServiceCopy)
        .where(ServiceCopy.agency_id == agency_id, ServiceCopy.id.in_(set(ids)))
        .order_by(ServiceCopy.service_date, ServiceCopy.id)
    )
    return rows.all()


async def clients_by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ClientCopy]:
    """The clients, and the survivors of any among them that were merged."""
    found: dict[uuid.UUID, ClientCopy] = {}
    wanted = set(ids)
    for _ in range(5):  # merges chain rarely; a bound keeps a cycle from looping
        wanted -= set(found)
        if not wanted:
            break
        rows = await db.scalars(
            select(ClientCopy).where(ClientCopy.agency_id == agency_id, ClientCopy.id.in_(wanted))
        )
        fetched = {row.id: row for row in rows}
        found |= fetched
        wanted = {c.merged_into for c in fetched.values() if c.merged_into is not None}
    return found


async def staff_by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, StaffCopy]:
    if not ids:
        return {}
    rows = await db.scalars(
        select(StaffCopy).where(StaffCopy.agency_id == agency_id, StaffCopy.id.in_(set(ids)))
    )
    return {row.id: row for row in rows}


async def admins(db: AsyncSession, agency_id: uuid.UUID) -> Sequence[StaffCopy]:
    rows = await db.scalars(
        select(StaffCopy).where(
            StaffCopy.agency_id == agency_id,
            StaffCopy.role == "agency_admin",
            StaffCopy.active.is_(True),
        )
    )
    return rows.all()


async def remove_attendees(
    db: AsyncSession,
    agency_id: uuid.UUID,
    session_id: uuid.UUID,
    keep: Collection[uuid.UUID],
    at: dt.datetime,
) -> None:
    """Attendees no longer on a group activity (as of `at`) are no records of it."""
    query = delete(ServiceCopy).where(
        ServiceCopy.agency_id == agency_id,
        ServiceCopy.session_id == session_id,
        ServiceCopy.kind == "group_attendee",
        ServiceCopy.source_at <= at,
    )
    if keep:
        query = query.where(ServiceCopy.id.not_in(set(keep)))
    await db.execute(query)


async def group_forms(
    db: AsyncSession, agency_id: uuid.UUID, session_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ServiceCopy]:
    """The group form of each of these group activities (by session id), where recorded."""
    if not session_ids:
        return {}
    rows = await db.scalars(
        select(ServiceCopy).where(
            ServiceCopy.agency_id == agency_id,
            ServiceCopy.kind == "group",
            ServiceCopy.session_id.in_(set(session_ids)),
        )
    )
    return {row.session_id: row for row in rows if row.session_id is not None}
