"""Outbox, relay and consumer against the real PostgreSQL and RabbitMQ."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractConnection
from prometheus_client import REGISTRY
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.messaging import OutboxRelay, Subscription, add_event, prune_published
from kit.messaging.topology import ServiceQueues, declare_exchanges
from kit.requestctx import bound_request_id, current_request_id
from kit.testing import StartConsumer, eventually, queue_state

pytestmark = pytest.mark.integration


class ItemCreated(BaseModel):
    """Shaped like contracts.base.IntegrationEvent; the kit needs no more than this."""

    model_config = ConfigDict(frozen=True)
    routing_key: ClassVar[str] = "kittest.item.created.v1"

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    agency_id: uuid.UUID
    correlation_id: str | None = None
    name: str


class ItemRenamed(ItemCreated):
    routing_key: ClassVar[str] = "kittest.item.renamed.v1"


def consumed(queue: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "ocms_consumer_messages_total", {"queue": queue, "outcome": outcome}
    )
    return value or 0.0


async def count_effects(admin: asyncpg.Connection, consumer: str) -> tuple[int, int]:
    row = await admin.fetchrow(
        "SELECT count(*), count(DISTINCT event_id) FROM kit_effects WHERE consumer = $1", consumer
    )
    assert row is not None
    return row[0], row[1]


async def record_effect(db: AsyncSession, consumer: str, event: ItemCreated) -> None:
    await db.execute(
        text("INSERT INTO kit_effects (consumer, event_id, agency_id) VALUES (:c, :e, :a)"),
        {"c": consumer, "e": event.event_id, "a": event.agency_id},
    )


async def write_events(database: Database, *events: ItemCreated) -> None:
    async with database.transaction(agency_id=events[0].agency_id) as db:
        for event in events:
            await add_event(db, event)


async def publish_all(database: Database, amqp_url: str) -> int:
    relay = OutboxRelay(database, amqp_url, service="kitproducer")
    try:
        return await relay.publish_pending()
    finally:
        await relay.aclose()


async def test_round_trip_through_outbox_relay_and_consumer(
    database: Database,
    admin: asyncpg.Connection,
    amqp_url: str,
    service: str,
    start_consumer: StartConsumer,
) -> None:
    received: list[ItemCreated] = []
    seen_request_ids: list[str | None] = []

    async def handler(db: AsyncSession, event: ItemCreated) -> None:
        await record_effect(db, service, event)
        # The handler's own writes run under the event's agency: RLS admits them.
        agency = await db.scalar(text("SELECT current_setting('app.agency_id', true)"))
        assert agency == str(event.agency_id)
        seen_request_ids.append(current_request_id())
        received.append(event)

    consumer = await start_consumer([Subscription(ItemCreated, handler)])
    event = ItemCreated(agency_id=uuid.uuid4(), name="first")
    with bound_request_id("req-round-trip"):
        await write_events(database, event)

    pending = await admin.fetchrow("SELECT * FROM outbox WHERE id = $1", event.event_id)
    assert pending is not None and pending["published_at"] is None
    assert pending["routing_key"] == "kittest.item.created.v1"
    assert json.loads(pending["payload"])["correlation_id"] == "req-round-trip"

    relay = OutboxRelay(database, amqp_url, service="kitproducer")
    try:
        assert await relay.publish_pending() == 1
        assert await relay.publish_pending() == 0  # nothing is sent twice
    finally:
        await relay.aclose()
    assert REGISTRY.get_sample_value("ocms_outbox_pending") == 0

    async def delivered() -> bool:
        return len(received) == 1

    await eventually(delivered)
    assert received[0] == event.model_copy(update={"correlation_id": "req-round-trip"})
    assert seen_request_ids == ["req-round-trip"]  # the correlation id travelled
    published = await admin.fetchval(
        "SELECT published_at FROM outbox WHERE id = $1", event.event_id
    )
    assert published is not None
    assert (
        await admin.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2",
            service,
            event.event_id,
        )
        == 1
    )
    assert await count_effects(admin, service) == (1, 1)
    await eventually(_outcome(consumer.queue_name, "processed", 1))


def _outcome(queue: str, outcome: str, expected: float):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return consumed(queue, outcome) == expected

    return check


async def test_published_message_properties(
    database: Database, admin: asyncpg.Connection, amqp_url: str, broker: AbstractConnection
) -> None:
    channel = await broker.channel()
    exchange = await declare_exchanges(channel)
    peek = await channel.declare_queue(exclusive=True)
    await peek.bind(exchange, routing_key=ItemRenamed.routing_key)

    event = ItemRenamed(agency_id=uuid.uuid4(), name="peeked", correlation_id="corr-1")
    await write_events(database, event)
    assert await publish_all(database, amqp_url) == 1

    message = await peek.get(timeout=5)
    assert message.message_id == str(event.event_id)
    assert message.correlation_id == "corr-1"
    assert message.type == "kittest.item.renamed.v1"
    assert message.content_type == "application/json"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.app_id == "kitproducer"
    assert message.headers == {"agency_id": str(event.agency_id)}
    assert ItemRenamed.model_validate_json(message.body) == event
    await message.ack()


async def test_duplicate_delivery_is_skipped(
    database: Database,
    admin: asyncpg.Connection,
    amqp_url: str,
    service: str,
    broker: AbstractConnection,
    start_consumer: StartConsumer,
) -> None:
    calls: list[uuid.UUID] = []

    async def handler(db: AsyncSession, event: ItemCreated) -> None:
        await record_effect(db, service, event)
        calls.append(event.event_id)

    consumer = await start_consumer([Subscription(ItemCreated, handler)])
    event = ItemCreated(agency_id=uuid.uuid4(), name="twice")
    channel = await broker.channel()
    exchange = await declare_exchanges(channel)
    for _ in range(2):  # what a relay does after a lost publisher confirm
        await exchange.publish(
            aio_pika.Message(
                event.model_dump_json().encode(),
                message_id=str(event.event_id),
                type=ItemCreated.routing_key,
            ),
            ItemCreated.routing_key,
        )

    await eventually(_outcome(consumer.queue_name, "duplicate", 1))
    assert calls == [event.event_id]
    assert consumed(consumer.queue_name, "processed") == 1
    assert await count_effects(admin, service) == (1, 1)


async def test_unparseable_message_is_dead_lettered_at_once(
    broker: AbstractConnection, service: str, start_consumer: StartConsumer
) -> None:
    calls: list[ItemCreated] = []

    async def handler(db: AsyncSession, event: ItemCreated) -> None:
        calls.append(event)

    consumer = await start_consumer([Subscription(ItemCreated, handler)])
    channel = await broker.channel()
    exchange = await declare_exchanges(channel)
    await exchange.publish(
        aio_pika.Message(b'{"not": "an item"}', type=ItemCreated.routing_key),
        ItemCreated.routing_key,
    )

    async def dead() -> bool:
        state = await queue_state(broker, ServiceQueues(service).dead)
        return state is not None and state[0] == 1

    await eventually(dead)
    assert calls == []
    assert consumed(consumer.queue_name, "dead_lettered") == 1
    assert consumed(consumer.queue_name, "retried") == 0


async def test_failed_handler_is_retried_and_its_writes_rolled_back(
    database: Database,
    admin: asyncpg.Connection,
    amqp_url: str,
    service: str,
    start_consumer: StartConsumer,
) -> None:
    attempts: list[int] = []

    async def flaky(db: AsyncSession, event: ItemCreated) -> None:
        await record_effect(db, service, event)
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails after writing")

    consumer = await start_consumer([Subscription(ItemCreated, flaky)])
    await write_events(database, ItemCreated(agency_id=uuid.uuid4(), name="flaky"))
    await publish_all(database, amqp_url)

    await eventually(_outcome(consumer.queue_name, "processed", 1))
    assert attempts == [1, 2]
    assert consumed(consumer.queue_name, "retried") == 1
    assert await count_effects(admin, service) == (1, 1)  # the failed attempt left nothing


async def test_two_relays_never_send_a_row_twice(
    database: Database, amqp_url: str, broker: AbstractConnection
) -> None:
    channel = await broker.channel()
    exchange = await declare_exchanges(channel)
    counted = await channel.declare_queue(exclusive=True)
    await counted.bind(exchange, routing_key=ItemRenamed.routing_key)

    agency = uuid.uuid4()
    for chunk in range(5):
        await write_events(
            database, *(ItemRenamed(agency_id=agency, name=f"{chunk}-{i}") for i in range(100))
        )
    relays = [
        OutboxRelay(database, amqp_url, service="kitproducer", batch_size=20) for _ in range(2)
    ]
    try:
        sent = await asyncio.gather(*(relay.publish_pending() for relay in relays))
    finally:
        await asyncio.gather(*(relay.aclose() for relay in relays))

    assert sum(sent) == 500
    assert all(n > 0 for n in sent)  # both worked, on different rows

    async def all_arrived() -> bool:
        state = await queue_state(broker, counted.name)
        return state is not None and state[0] >= 500

    await eventually(all_arrived)
    await asyncio.sleep(0.2)  # a duplicate would arrive right behind
    state = await queue_state(broker, counted.name)
    assert state is not None and state[0] == 500


async def test_relay_wakes_on_notify_without_waiting_for_the_poll(
    database: Database, admin: asyncpg.Connection, amqp_url: str
) -> None:
    relay = OutboxRelay(database, amqp_url, service="kitproducer", poll_seconds=30.0)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.5)  # connected and listening, now idle for 30 s
        event = ItemRenamed(agency_id=uuid.uuid4(), name="notified")
        await write_events(database, event)

        async def published() -> bool:
            return bool(
                await admin.fetchval(
                    "SELECT published_at IS NOT NULL FROM outbox WHERE id = $1", event.event_id
                )
            )

        await eventually(published, within=2.0)
    finally:
        relay.stop()
        await asyncio.wait_for(task, timeout=5)


async def test_prune_keeps_pending_and_recent_rows(
    database: Database, admin: asyncpg.Connection, amqp_url: str
) -> None:
    agency = uuid.uuid4()
    old, recent = ItemRenamed(agency_id=agency, name="old"), ItemRenamed(agency_id=agency, name="r")
    await write_events(database, old, recent)
    await publish_all(database, amqp_url)
    pending = ItemRenamed(agency_id=agency, name="pending")
    await write_events(database, pending)
    await admin.execute(
        "UPDATE outbox SET published_at = $2 WHERE id = $1",
        old.event_id,
        datetime.now(UTC) - timedelta(days=8),
    )

    assert await prune_published(database, older_than_days=7) == 1
    left = {r["id"] for r in await admin.fetch("SELECT id FROM outbox")}
    assert left == {recent.event_id, pending.event_id}
