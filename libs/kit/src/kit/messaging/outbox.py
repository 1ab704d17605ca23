"""The transactional outbox: events are rows written in the same transaction as the change.

A service never publishes to RabbitMQ while handling a request. It adds an outbox row
in its own transaction; if the transaction commits, the event exists and the relay
(`kit.messaging.relay`) will publish it; if it rolls back, the event never happened.
The `outbox_notify` trigger (created by `kit.migrations.create_messaging_tables`)
raises `NOTIFY outbox` on insert, delivered at commit, so the relay wakes at once
instead of waiting for its next poll.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base
from kit.messaging.events import EventLike, routing_key_of
from kit.requestctx import current_request_id

NOTIFY_CHANNEL = "outbox"


class OutboxEvent(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The relay's sweep reads only pending rows, in order: this index stays tiny
        # however many published rows are kept.
        Index("ix_outbox_pending", "seq", postgresql_where=text("published_at IS NULL")),
        Index(
            "ix_outbox_published_at",
            "published_at",
            postgresql_where=text("published_at IS NOT NULL"),
        ),
    )

    # The event id: the AMQP message_id, and the consumers' deduplication key.
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # Insertion order: several events of one transaction share created_at.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), nullable=False)
    routing_key: Mapped[str] = mapped_column(Text, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    headers: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Failed publish attempts (the broker was down or refused); for diagnosis.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


async def add_event(db: AsyncSession, event: EventLike) -> None:
    """Write `event` to the outbox in the caller's transaction (the caller commits).

    An event without a correlation id inherits the current request's id, so the
    whole chain of effects of one request can be followed across services.
    """
    routing_key = routing_key_of(type(event))
    if event.correlation_id is None and (request_id := current_request_id()) is not None:
        event = event.model_copy(update={"correlation_id": request_id})
    await db.execute(
        insert(OutboxEvent).values(
            id=event.event_id,
            routing_key=routing_key,
            payload=event.model_dump(mode="json"),
            headers={"agency_id": str(event.agency_id)},
        )
    )
