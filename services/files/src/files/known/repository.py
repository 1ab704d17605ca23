import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from files.known.models import KnownClient, KnownForm


async def upsert_client(db: AsyncSession, values: dict[str, Any]) -> None:
    """Insert, or take a state at least as new as the one held (redeliveries and
    out-of-order events change nothing)."""
    statement = insert(KnownClient).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[KnownClient.id],
        set_={k: statement.excluded[k] for k in values if k != "id"},
        where=KnownClient.version <= statement.excluded.version,
    )
    await db.execute(statement)


async def mark_merged(
    db: AsyncSession, agency_id: uuid.UUID, absorbed_id: uuid.UUID, into: uuid.UUID | None
) -> None:
    statement = insert(KnownClient).values(
        id=absorbed_id, agency_id=agency_id, merged_into=into, version=0
    )
    statement = statement.on_conflict_do_update(
        index_elements=[KnownClient.id], set_={"merged_into": into}
    )
    await db.execute(statement)


async def client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> KnownClient | None:
    query = select(KnownClient).where(
        KnownClient.agency_id == agency_id, KnownClient.id == client_id
    )
    return (await db.scalars(query)).one_or_none()


async def upsert_form(db: AsyncSession, values: dict[str, Any]) -> bool:
    """True when `values` is now the state held (not older than what was there)."""
    statement = insert(KnownForm).values(**values)
    upsert = statement.on_conflict_do_update(
        index_elements=[KnownForm.id],
        set_={k: statement.excluded[k] for k in values if k != "id"},
        where=KnownForm.source_at <= statement.excluded.source_at,
    )
    return (await db.execute(upsert.returning(KnownForm.id))).first() is not None


async def form(db: AsyncSession, agency_id: uuid.UUID, form_id: uuid.UUID) -> KnownForm | None:
    query = select(KnownForm).where(KnownForm.agency_id == agency_id, KnownForm.id == form_id)
    return (await db.scalars(query)).one_or_none()


async def forms(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, KnownForm]:
    if not ids:
        return {}
    query = select(KnownForm).where(KnownForm.agency_id == agency_id, KnownForm.id.in_(set(ids)))
    return {f.id: f for f in await db.scalars(query)}
