import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from referrals.notifications.models import Notification


async def add(db: AsyncSession, notification: Notification) -> Notification:
    db.add(notification)
    await flush(db)
    return notification


async def save(db: AsyncSession) -> None:
    await flush(db)


async def claim_due(
    db: AsyncSession, *, now: dt.datetime, stale_before: dt.datetime, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Move up to `limit` due notifications to `sending` and return (id, agency_id).

    Due: pending and their time has come, or `sending` since before `stale_before` (the
    worker that claimed them died mid-way). SKIP LOCKED: two schedulers never claim the
    same row; the claim commits before anything is sent.
    """
    due = (
        select(Notification.id)
        .where(
            or_(
                and_(Notification.state == "pending", Notification.next_attempt_at <= now),
                and_(Notification.state == "sending", Notification.claimed_at < stale_before),
            )
        )
        .order_by(Notification.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = await db.execute(
        update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()))
        .values(
            state="sending",
            claimed_at=now,
            attempts=Notification.attempts + 1,
            updated_at=now,
        )
        .returning(Notification.id, Notification.agency_id)
        .execution_options(synchronize_session=False)
    )
    return [(row[0], row[1]) for row in rows]


async def claimed(db: AsyncSession, notification_id: uuid.UUID) -> Notification | None:
    """The notification if it is still ours to send (in `sending`), locked."""
    query = (
        select(Notification)
        .where(Notification.id == notification_id, Notification.state == "sending")
        .with_for_update()
    )
    return (await db.scalars(query)).one_or_none()


async def set_state(db: AsyncSession, notification_id: uuid.UUID, **values: Any) -> None:
    await db.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.state == "sending")
        .values(**values)
    )


async def of_client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[Notification]:
    query = (
        select(Notification)
        .where(
            Notification.agency_id == agency_id,
            Notification.client_id == client_id,
            Notification.recipient == "client",
        )
        .order_by(Notification.send_at.desc(), Notification.id)
        .limit(1000)
    )
    return list(await db.scalars(query))


async def get(
    db: AsyncSession, agency_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification | None:
    query = select(Notification).where(
        Notification.agency_id == agency_id, Notification.id == notification_id
    )
    return (await db.scalars(query)).one_or_none()
