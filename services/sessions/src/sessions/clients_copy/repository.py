import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sessions.clients_copy.models import ClientCopy


async def upsert(db: AsyncSession, values: dict[str, Any]) -> None:
    """Insert, or overwrite a copy whose state is not newer than `values` (events may
    arrive out of order). The merged state is left to `mark_merged` / `clear_merge`."""
    statement = insert(ClientCopy).values(merged_into=None, merge_id=None, **values)
    statement = statement.on_conflict_do_update(
        index_elements=[ClientCopy.id],
        set_={k: statement.excluded[k] for k in values if k != "id"},
        where=ClientCopy.version <= statement.excluded.version,
    )
    await db.execute(statement)


async def mark_merged(
    db: AsyncSession,
    *,
    agency_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    survivor_id: uuid.UUID,
    merge_id: uuid.UUID,
    kind: str,
    at: datetime,
) -> None:
    statement = insert(ClientCopy).values(
        id=absorbed_id, agency_id=agency_id, kind=kind, restricted=False, version=0,
        source_at=at, merged_into=survivor_id, merge_id=merge_id,
    )  # fmt: skip
    statement = statement.on_conflict_do_update(
        index_elements=[ClientCopy.id],
        set_={"merged_into": survivor_id, "merge_id": merge_id},
    )
    await db.execute(statement)


async def clear_merge(db: AsyncSession, client_id: uuid.UUID, merge_id: uuid.UUID) -> None:
    await db.execute(
        update(ClientCopy)
        .where(ClientCopy.id == client_id, ClientCopy.merge_id == merge_id)
        .values(merged_into=None, merge_id=None)
    )


async def by_id(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ClientCopy]:
    if not ids:
        return {}
    rows = await db.scalars(
        select(ClientCopy).where(ClientCopy.agency_id == agency_id, ClientCopy.id.in_(set(ids)))
    )
    return {row.id: row for row in rows}


async def merged_into(
    db: AsyncSession, agency_id: uuid.UUID, survivor_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """The profiles merged into any of `survivor_ids`."""
    if not survivor_ids:
        return set()
    rows = await db.scalars(
        select(ClientCopy.id).where(
            ClientCopy.agency_id == agency_id, ClientCopy.merged_into.in_(set(survivor_ids))
        )
    )
    return set(rows)
