"""The inbox: which events a consumer has already applied.

The inbox row is inserted in the same transaction as the handler's effect. A message
redelivered after that transaction committed (the consumer died before its ack, the
relay published twice after a lost confirm) finds the row and changes nothing.
"""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Text, func
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class InboxMessage(Base):
    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(Text, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


async def claim(db: AsyncSession, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that `consumer` applies `event_id` in this transaction.

    False when it was applied before. A concurrent delivery of the same event waits on
    the row lock of the first one and then sees the conflict, so the handler runs once.
    """
    result = await db.execute(
        insert(InboxMessage)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing(index_elements=[InboxMessage.consumer, InboxMessage.event_id])
        .returning(InboxMessage.event_id)
    )
    return result.first() is not None
