"""Guarantee: events written while the broker is away are all delivered, each effect once.

2,000 events are written in two halves while the relay's broker is down; between the
halves the broker comes back and is cut again in the middle of the relay's stream of
publishes, the moment when messages have reached the broker but their confirms have
not reached the relay. The relay then sends those again, and the consumer's inbox
must absorb the duplicates: 2,000 effects, 2,000 distinct events.
"""

import asyncio
import time
import uuid

import asyncpg
import pytest
from aio_pika.abc import AbstractConnection
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.messaging import OutboxRelay, Subscription, add_event
from kit.testing import StartConsumer, eventually, queue_state
from tests.guarantees.guarantee_support import ItemRecorded, effects, outcomes, record_effect
from tests.guarantees.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOTAL = 2000
PER_TRANSACTION = 100


async def write(database: Database, agency: uuid.UUID, sequences: range) -> None:
    for start in range(sequences.start, sequences.stop, PER_TRANSACTION):
        async with database.transaction(agency_id=agency) as db:
            for sequence in range(start, min(start + PER_TRANSACTION, sequences.stop)):
                await add_event(db, ItemRecorded(agency_id=agency, sequence=sequence))


async def pending(admin: asyncpg.Connection) -> int:
    return int(await admin.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


async def test_2000_events_through_a_broker_outage_arrive_exactly_once(
    database: Database,
    admin: asyncpg.Connection,
    broker: AbstractConnection,
    proxy: TcpProxy,
    proxied_amqp_url: str,
    service: str,
    start_consumer: StartConsumer,
) -> None:
    started = time.monotonic()

    async def handler(db: AsyncSession, event: ItemRecorded) -> None:
        await record_effect(db, service, event)

    # The consumer talks to the broker directly; only the relay's broker goes away.
    consumer = await start_consumer([Subscription(ItemRecorded, handler)], prefetch=50)
    agency = uuid.uuid4()

    proxy.go_down()
    relay = OutboxRelay(database, proxied_amqp_url, service="guarantee-producer", poll_seconds=0.1)
    relay_task = asyncio.create_task(relay.run())
    try:
        await write(database, agency, range(TOTAL // 2))
        await asyncio.sleep(0.5)  # the relay keeps trying, and failing
        assert await pending(admin) == TOTAL // 2

        async def alertable() -> bool:  # the relay keeps the gauge current while failing
            return REGISTRY.get_sample_value("ocms_outbox_pending") == TOTAL // 2

        await eventually(alertable, within=5)

        # Back, then cut again after ~60 KB of publishes (the first ~130 messages): a
        # batch torn in the middle, some confirms lost on the way back.
        proxy.go_up()
        proxy.go_down_after(60_000)

        async def cut() -> bool:
            return not proxy.up

        await eventually(cut)
        await write(database, agency, range(TOTAL // 2, TOTAL))
        proxy.go_up()

        async def all_applied() -> bool:
            return (await effects(admin, service))[1] == TOTAL

        await eventually(all_applied, within=25)
        assert await pending(admin) == 0

        async def drained() -> bool:  # duplicates, if any, were delivered too
            return await queue_state(broker, consumer.queue_name) == (0, 1)

        await eventually(drained)
        await asyncio.sleep(0.2)  # and the last ones in hand settled
    finally:
        relay.stop()
        await asyncio.wait_for(relay_task, timeout=10)

    torn = await admin.fetchval("SELECT count(*) FROM outbox WHERE attempts > 0")
    count, distinct = await effects(admin, service)
    assert (count, distinct) == (TOTAL, TOTAL)
    sequences = await admin.fetchval(
        "SELECT count(DISTINCT (o.payload->>'sequence')) FROM guarantee_effects e"
        " JOIN outbox o ON o.id = e.event_id WHERE e.consumer = $1",
        service,
    )
    assert sequences == TOTAL
    processed = outcomes(consumer.queue_name, "processed")
    duplicates = outcomes(consumer.queue_name, "duplicate")
    assert processed == TOTAL
    assert torn > 0  # the cut really caught publishes in flight
    assert REGISTRY.get_sample_value("ocms_outbox_pending") == 0
    print(  # the figures are part of what this test reports
        f"\n{TOTAL} events: {duplicates} duplicate deliveries absorbed,"
        f" {torn} rows with a failed publish at the cut,"
        f" {time.monotonic() - started:.1f}s"
    )
