"""Every query of merges: the merge records, and moving a profile's rows to another."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from clients.history.models import ClientChange
from clients.merges.models import ClientMerge
from clients.notes.models import Note
from clients.plans.models import SettlementPlan
from clients.profiles.models import Client, ConsentRecord, FamilyLinkRow
from clients.questions.models import ClientAnswerSet
from kit.db import flush

# The tables whose rows belong to one profile by `client_id`, by the name `moved` uses.
MOVABLE: dict[str, Any] = {
    "notes": Note,
    "plans": SettlementPlan,
    "history": ClientChange,
    "consents": ConsentRecord,
}


async def get_client(db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID) -> Client | None:
    """A profile of the agency, locked, whatever its status."""
    query = (
        select(Client)
        .where(Client.id == client_id, Client.agency_id == agency_id)
        .with_for_update()
    )
    return (await db.scalars(query)).first()


async def get(
    db: AsyncSession, agency_id: uuid.UUID, merge_id: uuid.UUID, *, for_update: bool = False
) -> ClientMerge | None:
    query = select(ClientMerge).where(
        ClientMerge.id == merge_id, ClientMerge.agency_id == agency_id
    )
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).first()


async def add(db: AsyncSession, merge: ClientMerge) -> None:
    db.add(merge)
    await flush(db)


async def save(db: AsyncSession) -> None:
    await flush(db)


async def involving(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[ClientMerge]:
    query = (
        select(ClientMerge)
        .where(
            ClientMerge.agency_id == agency_id,
            or_(ClientMerge.survivor_id == client_id, ClientMerge.absorbed_id == client_id),
        )
        .order_by(ClientMerge.merged_at.desc(), ClientMerge.id)
    )
    return list(await db.scalars(query))


async def provenance_of(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> dict[str, uuid.UUID]:
    """Per field, the profile the survivor's value came from (later merges win)."""
    query = (
        select(ClientMerge.provenance)
        .where(
            ClientMerge.agency_id == agency_id,
            ClientMerge.survivor_id == client_id,
            ClientMerge.undone_at.is_(None),
        )
        .order_by(ClientMerge.merged_at, ClientMerge.id)
    )
    found: dict[str, uuid.UUID] = {}
    for provenance in await db.scalars(query):
        found.update({field: uuid.UUID(source) for field, source in provenance.items()})
    return found


async def allow_moving_notes(db: AsyncSession) -> None:
    """Lets this transaction's manager/admin reach every note of the two profiles (the
    `note_readers` backstop admits them while `app.client_merge` is on, migration 0004)."""
    await db.execute(text("SELECT set_config('app.client_merge', 'on', true)"))


async def move_all(
    db: AsyncSession, kind: str, agency_id: uuid.UUID, source: uuid.UUID, target: uuid.UUID
) -> list[str]:
    """Re-point every row of `kind` from `source` to `target`; the ids moved."""
    model = MOVABLE[kind]
    result = await db.execute(
        update(model)
        .where(model.agency_id == agency_id, model.client_id == source)
        .values(client_id=target)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(str(row_id) for row_id in result.scalars())


async def move_back(
    db: AsyncSession, kind: str, agency_id: uuid.UUID, ids: Sequence[str], target: uuid.UUID
) -> None:
    if not ids:
        return
    model = MOVABLE[kind]
    await db.execute(
        update(model)
        .where(model.agency_id == agency_id, model.id.in_([uuid.UUID(i) for i in ids]))
        .values(client_id=target)
        .execution_options(synchronize_session=False)
    )


async def links_touching(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[FamilyLinkRow]:
    """Both directions of every family link of the client."""
    query = select(FamilyLinkRow).where(
        FamilyLinkRow.agency_id == agency_id,
        or_(FamilyLinkRow.client_id == client_id, FamilyLinkRow.related_client_id == client_id),
    )
    return list(await db.scalars(query))


async def remove(db: AsyncSession, rows: Sequence[object]) -> None:
    for row in rows:
        await db.delete(row)
    await flush(db)


async def add_rows(db: AsyncSession, rows: Sequence[object]) -> None:
    db.add_all(rows)
    await flush(db)


async def answer_sets(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[ClientAnswerSet]:
    query = select(ClientAnswerSet).where(
        ClientAnswerSet.agency_id == agency_id, ClientAnswerSet.client_id == client_id
    )
    return list(await db.scalars(query))
