"""Guarantee: a consumer that dies after its commit and before its ack changes nothing
when the message comes back.

The crash is played through the consumer's `after_commit` seam: right after the
transaction (inbox row + effect) committed, the consumer's connection is cut at the
TCP level, as when the process is killed, and the seam raises so no ack is attempted.
RabbitMQ requeues the unacked message and redelivers it to the reconnected consumer,
which finds the inbox row and skips the handler.
"""

import uuid

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.messaging import EventLike, OutboxRelay, Subscription, add_event
from kit.testing import StartConsumer, eventually
from tests.guarantees.guarantee_support import ItemRecorded, effects, outcomes, record_effect
from tests.guarantees.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


class SimulatedCrash(Exception):
    """The process is gone: nothing after this point runs."""


async def test_redelivery_after_a_crash_between_commit_and_ack_is_skipped(
    database: Database,
    admin: asyncpg.Connection,
    amqp_url: str,
    proxy: TcpProxy,
    proxied_amqp_url: str,
    service: str,
    start_consumer: StartConsumer,
) -> None:
    handled: list[uuid.UUID] = []
    committed: list[uuid.UUID] = []

    async def handler(db: AsyncSession, event: ItemRecorded) -> None:
        await record_effect(db, service, event)
        handled.append(event.event_id)

    async def crash_once(event: EventLike) -> None:
        committed.append(event.event_id)
        if len(committed) == 1:
            proxy.drop_connections()
            raise SimulatedCrash

    consumer = await start_consumer(
        [Subscription(ItemRecorded, handler)], via=proxied_amqp_url, after_commit=crash_once
    )
    event = ItemRecorded(agency_id=uuid.uuid4(), sequence=1)
    async with database.transaction(agency_id=event.agency_id) as db:
        await add_event(db, event)
    relay = OutboxRelay(database, amqp_url, service="guarantee-producer")
    try:
        assert await relay.publish_pending() == 1
    finally:
        await relay.aclose()

    async def redelivered_and_skipped() -> bool:
        return outcomes(consumer.queue_name, "duplicate") == 1

    await eventually(redelivered_and_skipped)
    assert committed == [event.event_id, event.event_id]  # delivered twice
    assert handled == [event.event_id]  # applied once
    assert await effects(admin, service) == (1, 1)
    assert outcomes(consumer.queue_name, "processed") == 0  # the first was never acked
    assert proxy.accepted >= 2  # the consumer really lost its connection and came back
