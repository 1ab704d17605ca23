"""The RabbitMQ topology of OCMS, declared in this one place.

Exchanges (shared by every service):

    ocms.events        topic   producers publish here, routing key = event type
    ocms.events.retry  direct  delayed redelivery of failed messages (see below)
    ocms.events.dlx    direct  dead letters: messages a consumer gave up on

Queues of one consuming service `<svc>` (all durable quorum queues):

    <svc>.events             bound to `ocms.events` with each routing key the service
                             consumes, and to `ocms.events.retry` with its own name
    <svc>.events.dead        bound to `ocms.events.dlx`; rejected messages land here
    <svc>.events.retry.<N>ms one per backoff step, bound to `ocms.events.retry`

Retry with backoff. A handler that fails on attempt `k` makes the consumer publish a
copy of the message (attempt header `k+1`) to `ocms.events.retry` with routing key
`<svc>.events.retry.<delay>ms`, then ack the original. That queue has a queue-wide
TTL of `delay`; on expiry RabbitMQ dead-letters the copy to `ocms.events.retry` with
routing key `<svc>.events`, i.e. back into the service queue. One queue per delay
(rather than one queue with per-message expiration) because RabbitMQ only expires
messages at the head of a queue: a 16 s message would hold back a 1 s one queued
behind it. The delay is part of the queue name, so changing the backoff settings
declares new queues instead of failing on "inequivalent arguments"; old ones drain
and can be deleted.

Bounded redelivery. After `max_attempts` the consumer rejects the message
(`requeue=False`); the service queue dead-letters it to `<svc>.events.dead`.
`x-delivery-limit` is a second bound for messages that crash the consumer process
itself (never acked or rejected): quorum queues count those redeliveries.

Dead-lettering uses the `at-least-once` strategy so a broker failure between two
queues cannot lose a message (it requires `x-overflow: reject-publish`).

Every declaration is idempotent: declaring the same topology twice is a no-op, so
relays and consumers simply declare what they use on every (re)connect.

A queue only receives what is published after it exists. Once declared, queues are
durable and keep collecting while their consumer is down; but events published before
a consumer's very first start are not in its queue. A deployment that must not miss
those runs `declare_service_queues` as a step before producers start (or starts the
consumer workers first).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

EVENTS_EXCHANGE = "ocms.events"
RETRY_EXCHANGE = "ocms.events.retry"
DEAD_LETTER_EXCHANGE = "ocms.events.dlx"

# A message that took the consumer process down this many times is dead-lettered.
DELIVERY_LIMIT = 20

_QUORUM = {"x-queue-type": "quorum"}
_SAFE_DEAD_LETTERING = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


@dataclass(frozen=True)
class ServiceQueues:
    """The queue names of one consuming service."""

    service: str

    @property
    def main(self) -> str:
        return f"{self.service}.events"

    @property
    def dead(self) -> str:
        return f"{self.service}.events.dead"

    def retry(self, delay_ms: int) -> str:
        return f"{self.service}.events.retry.{delay_ms}ms"


def retry_delays_ms(max_attempts: int, base_seconds: float) -> list[int]:
    """Backoff before attempt 2, 3, ... max_attempts: base, 2*base, 4*base, ..."""
    return [max(1, round(base_seconds * 1000 * 2**step)) for step in range(max_attempts - 1)]


async def declare_exchanges(channel: AbstractChannel) -> AbstractExchange:
    """Declare the shared exchanges; returns `ocms.events`, the one producers use."""
    events = await channel.declare_exchange(
        EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
    )
    await channel.declare_exchange(RETRY_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    return events


async def declare_service_queues(
    channel: AbstractChannel,
    service: str,
    routing_keys: Iterable[str],
    *,
    retry_delays: Sequence[int] = (),
) -> AbstractQueue:
    """Declare and bind the queues of `service`; returns its main queue.

    Bindings are only ever added: a routing key the service no longer consumes stays
    bound until removed by hand (the consumer dead-letters such messages as unknown).
    """
    await declare_exchanges(channel)
    names = ServiceQueues(service)

    dead = await channel.declare_queue(names.dead, durable=True, arguments=dict(_QUORUM))
    await dead.bind(DEAD_LETTER_EXCHANGE, routing_key=names.dead)

    main = await channel.declare_queue(
        names.main,
        durable=True,
        arguments={
            **_QUORUM,
            **_SAFE_DEAD_LETTERING,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": names.dead,
            "x-delivery-limit": DELIVERY_LIMIT,
        },
    )
    for key in sorted(set(routing_keys)):
        await main.bind(EVENTS_EXCHANGE, routing_key=key)
    await main.bind(RETRY_EXCHANGE, routing_key=names.main)

    for delay_ms in sorted(set(retry_delays)):
        retry = await channel.declare_queue(
            names.retry(delay_ms),
            durable=True,
            arguments={
                **_QUORUM,
                **_SAFE_DEAD_LETTERING,
                "x-message-ttl": delay_ms,
                "x-dead-letter-exchange": RETRY_EXCHANGE,
                "x-dead-letter-routing-key": names.main,
            },
        )
        await retry.bind(RETRY_EXCHANGE, routing_key=names.retry(delay_ms))
    return main


async def delete_service_queues(
    channel: AbstractChannel, service: str, *, retry_delays: Sequence[int] = ()
) -> None:
    """Remove a service's queues (tests and decommissioning only)."""
    names = ServiceQueues(service)
    for name in [names.main, names.dead, *(names.retry(d) for d in retry_delays)]:
        await channel.queue_delete(name)
