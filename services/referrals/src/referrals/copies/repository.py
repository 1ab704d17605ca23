import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from referrals.copies.models import (
    ClientCopy,
    FormDraft,
    Interaction,
    MergeMove,
    ProgramCopy,
    StaffCopy,
)
from referrals.notifications.models import Notification
from referrals.referral.models import Referral
from referrals.tasks.models import Task


async def _upsert_newer(
    db: AsyncSession,
    model: type[ClientCopy] | type[StaffCopy] | type[ProgramCopy],
    values: dict[str, Any],
    order: str,
) -> None:
    """Insert or replace the copy (by id), unless the one held is newer by `order`."""
    statement = insert(model).values(**values)
    changes = {k: statement.excluded[k] for k in values if k != "id"}
    await db.execute(
        statement.on_conflict_do_update(
            index_elements=[model.id],
            set_=changes,
            where=getattr(model, order) <= statement.excluded[order],
        )
    )


async def upsert_client(db: AsyncSession, values: dict[str, Any]) -> None:
    """Insert or replace the copy, unless the one held is newer (by clients' version)."""
    await _upsert_newer(db, ClientCopy, values, "version")


async def mark_merged(db: AsyncSession, client_id: uuid.UUID, into: uuid.UUID | None) -> None:
    await db.execute(update(ClientCopy).where(ClientCopy.id == client_id).values(merged_into=into))


async def client(db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID) -> ClientCopy | None:
    query = select(ClientCopy).where(ClientCopy.agency_id == agency_id, ClientCopy.id == client_id)
    return (await db.scalars(query)).one_or_none()


async def clients(
    db: AsyncSession, agency_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ClientCopy]:
    if not ids:
        return {}
    query = select(ClientCopy).where(ClientCopy.agency_id == agency_id, ClientCopy.id.in_(set(ids)))
    return {c.id: c for c in await db.scalars(query)}


async def upsert_staff(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert_newer(db, StaffCopy, values, "source_at")


async def staff(db: AsyncSession, agency_id: uuid.UUID, user_id: uuid.UUID) -> StaffCopy | None:
    query = select(StaffCopy).where(StaffCopy.agency_id == agency_id, StaffCopy.id == user_id)
    return (await db.scalars(query)).one_or_none()


async def upsert_program(db: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert_newer(db, ProgramCopy, values, "source_at")


async def program(
    db: AsyncSession, agency_id: uuid.UUID, program_id: uuid.UUID
) -> ProgramCopy | None:
    query = select(ProgramCopy).where(
        ProgramCopy.agency_id == agency_id, ProgramCopy.id == program_id
    )
    return (await db.scalars(query)).one_or_none()


async def add_interaction(db: AsyncSession, values: dict[str, Any]) -> None:
    """Once per (kind, ref, client): a redelivered or re-published event adds nothing."""
    await db.execute(
        insert(Interaction)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(constraint="uq_interactions_kind_ref_client")
    )


async def recent_interactions(
    db: AsyncSession, agency_id: uuid.UUID, worker_id: uuid.UUID, limit: int
) -> list[Interaction]:
    query = (
        select(Interaction)
        .where(Interaction.agency_id == agency_id, Interaction.worker_id == worker_id)
        .order_by(Interaction.at.desc(), Interaction.id)
        .limit(limit)
    )
    return list(await db.scalars(query))


async def save_form_state(db: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert or replace a form's state, True when `values` is now the state held.

    `completed` is final: it replaces a draft whatever its time, and a draft never
    replaces it. A draft replaces a draft saved no later than itself, so a redelivery or
    an older draft arriving late changes nothing."""
    statement = insert(FormDraft).values(**values)
    changes = {k: statement.excluded[k] for k in values if k != "id"}
    held, incoming = FormDraft, statement.excluded
    if values["status"] == "completed":
        newer = or_(held.status == "draft", held.saved_at <= incoming.saved_at)
    else:
        newer = and_(held.status == "draft", held.saved_at <= incoming.saved_at)
    upsert = statement.on_conflict_do_update(
        index_elements=[FormDraft.id], set_=changes, where=newer
    )
    return (await db.execute(upsert.returning(FormDraft.id))).first() is not None


def _open_drafts(agency_id: uuid.UUID, author_id: uuid.UUID) -> ColumnElement[bool]:
    return and_(
        FormDraft.agency_id == agency_id,
        FormDraft.author_id == author_id,
        FormDraft.status == "draft",
    )


async def drafts_of(
    db: AsyncSession, agency_id: uuid.UUID, author_id: uuid.UUID, limit: int, offset: int = 0
) -> tuple[list[FormDraft], int]:
    """The author's forms still drafts, oldest session first
    (`ix_referral_form_drafts_author`), and how many there are in all.

    The total comes from the same statement (a window count) so that the page and the
    total agree: a draft committed between two statements made them differ.
    """
    query = (
        select(FormDraft, func.count().over())
        .where(_open_drafts(agency_id, author_id))
        .order_by(FormDraft.session_date, FormDraft.saved_at, FormDraft.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await db.execute(query)).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    if offset == 0:
        return [], 0
    total = select(func.count()).select_from(FormDraft).where(_open_drafts(agency_id, author_id))
    return [], int(await db.scalar(total) or 0)


# Records that name a client, by the entity name kept in client_merge_moves.
_CLIENT_RECORDS: dict[str, Any] = {
    "task": Task,
    "referral": Referral,
    "notification": Notification,
    "interaction": Interaction,
}


async def repoint_client(
    db: AsyncSession,
    agency_id: uuid.UUID,
    merge_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    survivor_id: uuid.UUID,
) -> int:
    """Move every record of the absorbed client to the survivor, remembering which."""
    moved = 0
    for entity, model in _CLIENT_RECORDS.items():
        ids = list(
            await db.scalars(
                update(model)
                .where(model.agency_id == agency_id, model.client_id == absorbed_id)
                .values(client_id=survivor_id)
                .returning(model.id)
            )
        )
        if ids:
            await db.execute(
                insert(MergeMove)
                .values(
                    [
                        {
                            "merge_id": merge_id,
                            "entity": entity,
                            "entity_id": i,
                            "agency_id": agency_id,
                            "from_client_id": absorbed_id,
                        }
                        for i in ids
                    ]
                )
                .on_conflict_do_nothing()
            )
        moved += len(ids)
    return moved


async def moved(db: AsyncSession, merge_id: uuid.UUID, entity: str) -> list[uuid.UUID]:
    """The records of one kind (`task` ...) that `repoint_client` moved for `merge_id`."""
    query = select(MergeMove.entity_id).where(
        MergeMove.merge_id == merge_id, MergeMove.entity == entity
    )
    return list(await db.scalars(query.order_by(MergeMove.entity_id)))


async def undo_repoint(db: AsyncSession, merge_id: uuid.UUID) -> int:
    """Put back what `repoint_client` moved for `merge_id`."""
    moves = list(await db.scalars(select(MergeMove).where(MergeMove.merge_id == merge_id)))
    for move in moves:
        model = _CLIENT_RECORDS[move.entity]
        await db.execute(
            update(model).where(model.id == move.entity_id).values(client_id=move.from_client_id)
        )
        await db.delete(move)
    return len(moves)
