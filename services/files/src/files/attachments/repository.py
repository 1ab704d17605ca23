import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from files.attachments.models import Attachment
from kit.db import flush


async def add(db: AsyncSession, attachment: Attachment) -> Attachment:
    db.add(attachment)
    await flush(db)
    return attachment


async def live(db: AsyncSession, agency_id: uuid.UUID, file_id: uuid.UUID) -> Attachment | None:
    """The attachment unless deleted."""
    query = select(Attachment).where(
        Attachment.agency_id == agency_id,
        Attachment.id == file_id,
        Attachment.deleted_at.is_(None),
    )
    return (await db.scalars(query)).one_or_none()


async def of_client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(
            Attachment.agency_id == agency_id,
            Attachment.client_id == client_id,
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.added_at.desc(), Attachment.id)
    )
    return list(await db.scalars(query))


async def of_form(db: AsyncSession, agency_id: uuid.UUID, form_id: uuid.UUID) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(
            Attachment.agency_id == agency_id,
            Attachment.form_id == form_id,
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.added_at.desc(), Attachment.id)
    )
    return list(await db.scalars(query))


async def set_privacy_of_form(db: AsyncSession, form_id: uuid.UUID, private: bool) -> None:
    await db.execute(
        update(Attachment)
        .where(Attachment.form_id == form_id, Attachment.private.is_not(private))
        .values(private=private)
    )


async def move_client(
    db: AsyncSession, agency_id: uuid.UUID, from_id: uuid.UUID, to_id: uuid.UUID
) -> None:
    """A merge: every attachment of the absorbed profile is listed under the survivor."""
    await db.execute(
        update(Attachment)
        .where(Attachment.agency_id == agency_id, Attachment.client_id == from_id)
        .values(client_id=to_id)
    )


async def restore_client(db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID) -> None:
    """An undone merge: attachments made on the restored profile go back to it."""
    await db.execute(
        update(Attachment)
        .where(Attachment.agency_id == agency_id, Attachment.attached_client_id == client_id)
        .values(client_id=client_id)
    )


async def expired(
    db: AsyncSession, agency_id: uuid.UUID, before: datetime, limit: int
) -> list[Attachment]:
    """Deleted before `before`, locked for this purge run."""
    query = (
        select(Attachment)
        .where(Attachment.agency_id == agency_id, Attachment.deleted_at < before)
        .order_by(Attachment.deleted_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await db.scalars(query))


async def remove_rows(db: AsyncSession, ids: list[uuid.UUID]) -> None:
    if ids:
        await db.execute(delete(Attachment).where(Attachment.id.in_(ids)))


async def known_keys(db: AsyncSession, agency_id: uuid.UUID, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    query = select(Attachment.object_key).where(
        Attachment.agency_id == agency_id, Attachment.object_key.in_(keys)
    )
    return set(await db.scalars(query))
