"""Guarantee: a message whose handler always fails is tried `MAX_ATTEMPTS` times with
backoff, then lands in the service's dead-letter queue; nothing is left behind in the
service queue or the retry queues, and no partial effect survives."""

import itertools
import time
import uuid

import asyncpg
import pytest
from aio_pika.abc import AbstractConnection
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.messaging import OutboxRelay, Subscription, add_event
from kit.messaging.consumer import ATTEMPT_HEADER
from kit.messaging.topology import ServiceQueues, retry_delays_ms
from kit.testing import StartConsumer, eventually, queue_state
from tests.guarantees.guarantee_support import (
    MAX_ATTEMPTS,
    RETRY_BASE_SECONDS,
    ItemRecorded,
    effects,
    outcomes,
    record_effect,
)

pytestmark = pytest.mark.integration


async def test_always_failing_message_ends_in_the_dead_letter_queue(
    database: Database,
    admin: asyncpg.Connection,
    amqp_url: str,
    broker: AbstractConnection,
    service: str,
    start_consumer: StartConsumer,
) -> None:
    attempts: list[float] = []

    async def always_fails(db: AsyncSession, event: ItemRecorded) -> None:
        await record_effect(db, service, event)  # written, then rolled back
        attempts.append(time.monotonic())
        raise RuntimeError("this event can never be applied")

    consumer = await start_consumer([Subscription(ItemRecorded, always_fails)])
    event = ItemRecorded(agency_id=uuid.uuid4(), sequence=7)
    async with database.transaction(agency_id=event.agency_id) as db:
        await add_event(db, event)
    relay = OutboxRelay(database, amqp_url, service="guarantee-producer")
    try:
        await relay.publish_pending()
    finally:
        await relay.aclose()

    names = ServiceQueues(service)

    async def dead_lettered() -> bool:
        state = await queue_state(broker, names.dead)
        return state is not None and state[0] == 1

    await eventually(dead_lettered)
    assert len(attempts) == MAX_ATTEMPTS
    # Each retry waited at least its backoff step (base, 2*base, ...).
    delays_ms = retry_delays_ms(MAX_ATTEMPTS, RETRY_BASE_SECONDS)
    for gap, delay_ms in zip(
        [b - a for a, b in itertools.pairwise(attempts)], delays_ms, strict=True
    ):
        assert gap >= delay_ms / 1000 * 0.9
    assert outcomes(consumer.queue_name, "retried") == MAX_ATTEMPTS - 1
    assert outcomes(consumer.queue_name, "dead_lettered") == 1

    # The service queue and every retry queue drained.
    for name in [names.main, *(names.retry(d) for d in delays_ms)]:
        assert await queue_state(broker, name) == (0, 1 if name == names.main else 0)
    assert await effects(admin, service) == (0, 0)
    assert await admin.fetchval("SELECT count(*) FROM inbox") == 0

    channel = await broker.channel()
    dead = await (await channel.get_queue(names.dead)).get(timeout=5)
    assert dead.message_id == str(event.event_id)
    assert dead.headers[ATTEMPT_HEADER] == MAX_ATTEMPTS
    assert ItemRecorded.model_validate_json(dead.body) == event
    await dead.ack()
