"""The idempotent consumer of one service's queue.

Per message, in this order:
1. find the subscription by the message `type` (the routing key the producer used;
   it survives the trip through the retry queues, where the routing key changes) and
   parse the body into its model; an unknown type or unparseable body can never
   succeed, so it is dead-lettered at once;
2. open ONE transaction carrying the event's agency (row-level security applies to the
   handler's writes as to a request's), insert the inbox row; when it already exists
   the event was applied before and the handler is skipped; else run the handler;
3. commit, THEN ack. A crash between the two redelivers the message, and step 2 finds
   the inbox row: the effect happens once.

A handler that raises rolls its transaction back. The message is retried after a
growing delay (see `kit.messaging.topology`) and, after `max_attempts`, rejected
into the service's dead-letter queue.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
)
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.logs import get_logger
from kit.messaging.backoff import Backoff, sleep_unless
from kit.messaging.events import EventLike, EventT, routing_key_of
from kit.messaging.inbox import claim
from kit.messaging.topology import (
    RETRY_EXCHANGE,
    ServiceQueues,
    declare_service_queues,
    retry_delays_ms,
)
from kit.metrics import CONSUMED
from kit.requestctx import bound_request_id, new_request_id

log = get_logger()

ATTEMPT_HEADER = "x-ocms-attempt"
CONNECT_TIMEOUT_SECONDS = 5.0
PUBLISH_TIMEOUT_SECONDS = 10.0
DRAIN_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Subscription(Generic[EventT]):
    """Run `handler(db, event)` for every event of `event_type` (matched by routing key)."""

    event_type: type[EventT]
    handler: Callable[[AsyncSession, EventT], Awaitable[None]]

    @property
    def routing_key(self) -> str:
        return routing_key_of(self.event_type)


# Test seam: runs after the commit and before the ack, to simulate a crash there.
AfterCommit = Callable[[EventLike], Awaitable[None]]


class Consumer:
    def __init__(
        self,
        service: str,
        database: Database,
        amqp_url: str,
        subscriptions: Sequence[Subscription[Any]],
        *,
        max_attempts: int = 5,
        retry_base_seconds: float = 1.0,
        prefetch: int = 20,
        after_commit: AfterCommit | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._by_key: dict[str, Subscription[Any]] = {}
        for subscription in subscriptions:
            key = subscription.routing_key
            if key in self._by_key:
                raise ValueError(f"two subscriptions for {key}")
            self._by_key[key] = subscription
        self._service = service
        self._database = database
        self._amqp_url = amqp_url
        self._queues = ServiceQueues(service)
        self._max_attempts = max_attempts
        self._delays = retry_delays_ms(max_attempts, retry_base_seconds)
        self._prefetch = prefetch
        self._after_commit = after_commit
        self._stopping = asyncio.Event()
        self._in_flight: set[asyncio.Task[Any]] = set()

    @property
    def queue_name(self) -> str:
        return self._queues.main

    def stop(self) -> None:
        """Stop taking messages; `run()` returns once the ones in hand are settled."""
        self._stopping.set()

    async def run(self) -> None:
        """Consume until `stop()`, reconnecting with backoff whenever the broker goes away."""
        log.info("consumer.started", queue=self.queue_name)
        backoff = Backoff()
        try:
            while not self._stopping.is_set():
                try:
                    connection = await aio_pika.connect(
                        self._amqp_url, timeout=CONNECT_TIMEOUT_SECONDS
                    )
                except Exception as exc:  # broker down or unreachable: try again later
                    log.warning("consumer.connect_failed", error_type=type(exc).__name__)
                    await sleep_unless(self._stopping, backoff.next_delay())
                    continue
                try:
                    await self._consume(connection, backoff)
                except Exception as exc:  # the connection broke while consuming
                    log.warning("consumer.connection_lost", error_type=type(exc).__name__)
                finally:
                    await _close_quietly(connection)
                if not self._stopping.is_set():
                    await sleep_unless(self._stopping, backoff.next_delay())
        finally:
            log.info("consumer.stopped", queue=self.queue_name)

    async def _consume(self, connection: AbstractConnection, backoff: Backoff) -> None:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self._prefetch)
        queue = await declare_service_queues(
            channel, self._service, self._by_key, retry_delays=self._delays
        )
        retry_exchange = await channel.get_exchange(RETRY_EXCHANGE, ensure=False)

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self._on_message(retry_exchange, message)

        tag = await queue.consume(on_message)
        backoff.reset()
        log.info("consumer.consuming", queue=self.queue_name)
        await _first_of(self._stopping.wait(), connection.closed(), channel.closed())
        if not self._stopping.is_set():
            # Unacked messages go back to the queue; the inbox absorbs their redelivery.
            log.warning("consumer.connection_lost", queue=self.queue_name)
        elif not channel.is_closed:
            await queue.cancel(tag)
            await self._drain()

    async def _drain(self) -> None:
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=DRAIN_TIMEOUT_SECONDS)

    async def _on_message(
        self, retry_exchange: AbstractExchange, message: AbstractIncomingMessage
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._handle(retry_exchange, message)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _handle(
        self, retry_exchange: AbstractExchange, message: AbstractIncomingMessage
    ) -> None:
        event_type = message.type or message.routing_key or ""
        subscription = self._by_key.get(event_type)
        if subscription is None:
            await self._dead_letter(message, reason="unknown_type", event_type=event_type)
            return
        try:
            event = subscription.event_type.model_validate_json(message.body)
        except (ValidationError, ValueError):
            await self._dead_letter(message, reason="unparseable", event_type=event_type)
            return

        correlation_id = event.correlation_id or message.correlation_id or new_request_id()
        with (
            bound_request_id(correlation_id),
            structlog.contextvars.bound_contextvars(
                correlation_id=correlation_id,
                event_id=str(event.event_id),
                event_type=event_type,
            ),
        ):
            attempt = _attempt_of(message)
            try:
                applied = await self._apply(subscription, event)
            except Exception as exc:  # the handler failed: its transaction rolled back
                await self._retry_or_dead_letter(retry_exchange, message, attempt, exc)
                return
            if self._after_commit is not None:
                await self._after_commit(event)
            outcome = "processed" if applied else "duplicate"
            if await _settle(message.ack()):
                CONSUMED.labels(self.queue_name, outcome).inc()
                # Debug: counted in CONSUMED already; a line per message drowns the rest.
                log.debug("consumer.message_" + outcome, attempt=attempt)

    async def _apply(self, subscription: Subscription[Any], event: EventLike) -> bool:
        async with self._database.transaction(agency_id=event.agency_id) as db:
            if not await claim(db, self._service, event.event_id):
                return False
            await subscription.handler(db, event)
        return True

    async def _retry_or_dead_letter(
        self,
        retry_exchange: AbstractExchange,
        message: AbstractIncomingMessage,
        attempt: int,
        exc: Exception,
    ) -> None:
        if attempt >= self._max_attempts:
            # Only the type is logged: exception messages may quote personal data.
            log.error(
                "consumer.dead_lettered",
                reason="max_attempts",
                attempts=attempt,
                error_type=type(exc).__name__,
            )
            if await _settle(message.reject(requeue=False)):
                CONSUMED.labels(self.queue_name, "dead_lettered").inc()
            return
        delay_ms = self._delays[attempt - 1]
        headers = {k: v for k, v in (message.headers or {}).items() if k != "x-delivery-count"}
        headers[ATTEMPT_HEADER] = attempt + 1
        retry = aio_pika.Message(
            body=message.body,
            headers=headers,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            type=message.type,
            app_id=message.app_id,
            timestamp=message.timestamp,
        )
        try:
            # Confirmed before the ack: the copy exists before the original goes.
            await retry_exchange.publish(
                retry, self._queues.retry(delay_ms), timeout=PUBLISH_TIMEOUT_SECONDS
            )
        except Exception as publish_exc:  # the original stays unacked and comes back
            log.warning("consumer.retry_publish_failed", error_type=type(publish_exc).__name__)
            return
        if await _settle(message.ack()):
            CONSUMED.labels(self.queue_name, "retried").inc()
            log.warning(
                "consumer.retry_scheduled",
                attempt=attempt,
                delay_ms=delay_ms,
                error_type=type(exc).__name__,
            )

    async def _dead_letter(
        self, message: AbstractIncomingMessage, *, reason: str, event_type: str
    ) -> None:
        log.error(
            "consumer.dead_lettered",
            reason=reason,
            event_type=event_type,
            message_id=message.message_id,
        )
        if await _settle(message.reject(requeue=False)):
            CONSUMED.labels(self.queue_name, "dead_lettered").inc()


def _attempt_of(message: AbstractIncomingMessage) -> int:
    raw = (message.headers or {}).get(ATTEMPT_HEADER, 1)
    try:
        return max(1, int(raw))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1


async def _settle(operation: Awaitable[None]) -> bool:
    """Ack/reject; False when the channel is gone (the broker will redeliver)."""
    try:
        await operation
    except Exception as exc:
        log.warning("consumer.settle_failed", error_type=type(exc).__name__)
        return False
    return True


async def _first_of(*waits: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _close_quietly(connection: AbstractConnection) -> None:
    try:
        await connection.close()
    except Exception as exc:  # already broken
        log.debug("consumer.close_failed", error_type=type(exc).__name__)


__all__ = ["ATTEMPT_HEADER", "AfterCommit", "Consumer", "Subscription"]
