"""The event, the handler's effect and the counters the guarantees are stated in."""

from typing import ClassVar

import asyncpg
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.base import IntegrationEvent

# Every consumer of these tests retries this many times with this base delay.
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 0.05


class ItemRecorded(IntegrationEvent):
    routing_key: ClassVar[str] = "guarantee.item.recorded.v1"

    sequence: int


async def record_effect(db: AsyncSession, consumer: str, event: ItemRecorded) -> None:
    """The handler's visible effect; duplicates would show as extra rows."""
    await db.execute(
        text(
            "INSERT INTO guarantee_effects (consumer, event_id, agency_id)"
            " VALUES (:consumer, :event_id, :agency_id)"
        ),
        {"consumer": consumer, "event_id": event.event_id, "agency_id": event.agency_id},
    )


async def effects(admin: asyncpg.Connection, consumer: str) -> tuple[int, int]:
    """(effects, distinct events with an effect) of `consumer`."""
    row = await admin.fetchrow(
        "SELECT count(*), count(DISTINCT event_id) FROM guarantee_effects WHERE consumer = $1",
        consumer,
    )
    assert row is not None
    return int(row[0]), int(row[1])


def outcomes(queue: str, outcome: str) -> int:
    value = REGISTRY.get_sample_value(
        "ocms_consumer_messages_total", {"queue": queue, "outcome": outcome}
    )
    return int(value or 0)
