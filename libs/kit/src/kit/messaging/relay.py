"""The outbox relay: publishes committed outbox rows to RabbitMQ, at least once.

Each sweep takes pending rows in insertion order with `FOR UPDATE SKIP LOCKED` (two
relays of one service never send the same row at the same time), publishes them on a
channel with publisher confirms, and marks `published_at` only for the messages the
broker confirmed, in the same transaction that locked them. If the relay dies after
the broker confirmed but before that commit, the rows are sent again on the next
sweep: delivery is at least once, and consumers deduplicate by `message_id` (the
event id) in their inbox.

The relay wakes on `NOTIFY outbox` (raised by a trigger at commit) and falls back to
polling every `poll_seconds`, so a lost notification or listener connection only
delays an event. While the broker is down it retries with a growing backoff and keeps
the pending-count and oldest-age gauges current, which is what an alert watches.
"""

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import aio_pika
import asyncpg  # type: ignore[import-untyped, unused-ignore]
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from kit.db import Database
from kit.logs import get_logger
from kit.messaging.backoff import Backoff, sleep_unless
from kit.messaging.outbox import NOTIFY_CHANNEL, OutboxEvent
from kit.messaging.topology import declare_exchanges
from kit.metrics import OUTBOX_OLDEST_AGE, OUTBOX_PENDING, OUTBOX_PUBLISHED

log = get_logger()

PUBLISH_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
PRUNE_BATCH = 5000


class PublishFailed(Exception):
    """Some messages of a batch were not confirmed; they stay pending."""


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        amqp_url: str,
        *,
        service: str,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
    ) -> None:
        self._database = database
        self._amqp_url = amqp_url
        self._service = service
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._listener: asyncpg.Connection | None = None
        self._listen_failing = False

    def stop(self) -> None:
        """Ask `run()` to return after the current sweep."""
        self._stopping.set()
        self._wake.set()

    async def aclose(self) -> None:
        """Release the broker and listener connections (`run()` does it on its way out;
        callers of `publish_pending()` alone call this)."""
        await self._close_broker()
        await self._close_listener()

    async def run(self) -> None:
        """Publish until `stop()`; survives broker and database outages."""
        log.info("relay.started")
        backoff = Backoff()
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                await self._ensure_listener()
                try:
                    await self.publish_pending()
                except Exception as exc:  # the loop must outlive any outage
                    log.warning("relay.sweep_failed", error_type=type(exc).__name__, error=str(exc))
                    if not isinstance(exc, SQLAlchemyError):  # the broker side is suspect
                        await self._close_broker()
                    await self.refresh_metrics()
                    # Back off on the stop signal only: new rows must not hammer a dead broker.
                    await sleep_unless(self._stopping, backoff.next_delay())
                    continue
                backoff.reset()
                await sleep_unless(self._wake, self._poll_seconds)
        finally:
            await self.aclose()
            log.info("relay.stopped")

    async def publish_pending(self) -> int:
        """Publish everything pending now, batch after batch; returns how many were confirmed."""
        exchange = await self._ensure_exchange()
        total = 0
        while True:
            published = await self._publish_batch(exchange)
            total += published
            if published < self._batch_size:
                break
        if total:
            log.info("relay.published", count=total)
        await self.refresh_metrics()
        return total

    async def refresh_metrics(self) -> None:
        """Set the pending gauges from the table; never raises (metrics are best effort)."""
        try:
            async with self._database.engine.connect() as conn:
                row = (
                    await conn.execute(
                        text(
                            "SELECT count(*),"
                            " coalesce(extract(epoch FROM now() - min(created_at)), 0)"
                            " FROM outbox WHERE published_at IS NULL"
                        )
                    )
                ).one()
        except Exception as exc:
            log.warning("relay.metrics_failed", error_type=type(exc).__name__)
            return
        OUTBOX_PENDING.set(row[0])
        OUTBOX_OLDEST_AGE.set(float(row[1]))

    async def _publish_batch(self, exchange: AbstractExchange) -> int:
        async with self._database.transaction() as db:
            rows = (
                await db.execute(
                    select(
                        OutboxEvent.id,
                        OutboxEvent.routing_key,
                        OutboxEvent.payload,
                        OutboxEvent.headers,
                        OutboxEvent.created_at,
                    )
                    .where(OutboxEvent.published_at.is_(None))
                    .order_by(OutboxEvent.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            # All publishes go out at once; each awaits its own confirm.
            results = await asyncio.gather(
                *(self._publish(exchange, *row) for row in rows), return_exceptions=True
            )
            confirmed = [row.id for row, r in zip(rows, results, strict=True) if r is None]
            failures = [r for r in results if isinstance(r, BaseException)]
            if confirmed:
                await db.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(confirmed))
                    .values(published_at=func.now())
                )
            if failures:
                failed_ids = [row.id for row, r in zip(rows, results, strict=True) if r is not None]
                await db.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(failed_ids))
                    .values(attempts=OutboxEvent.attempts + 1)
                )
        OUTBOX_PUBLISHED.inc(len(confirmed))
        if failures:
            first = failures[0]
            raise PublishFailed(
                f"{len(failures)} of {len(rows)} not confirmed: {type(first).__name__} {first}"
            )
        return len(confirmed)

    async def _publish(
        self,
        exchange: AbstractExchange,
        event_id: uuid.UUID,
        routing_key: str,
        payload: dict[str, Any],
        headers: dict[str, Any],
        created_at: datetime,
    ) -> None:
        correlation_id = payload.get("correlation_id")
        message = aio_pika.Message(
            body=json.dumps(payload, separators=(",", ":")).encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(event_id),
            correlation_id=correlation_id if isinstance(correlation_id, str) else None,
            type=routing_key,
            app_id=self._service,
            timestamp=created_at,
            headers=headers,
        )
        # mandatory=False: an event nobody consumes yet is still published, not an error.
        await exchange.publish(
            message, routing_key, mandatory=False, timeout=PUBLISH_TIMEOUT_SECONDS
        )

    async def _ensure_exchange(self) -> AbstractExchange:
        if self._channel is not None and not self._channel.is_closed and self._exchange:
            return self._exchange
        await self._close_broker()
        self._connection = await aio_pika.connect(self._amqp_url, timeout=CONNECT_TIMEOUT_SECONDS)
        self._channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await declare_exchanges(self._channel)
        log.info("relay.connected")
        return self._exchange

    async def _close_broker(self) -> None:
        connection, self._connection = self._connection, None
        self._channel = self._exchange = None
        if connection is not None:
            try:
                await connection.close()
            except Exception as exc:  # already broken: nothing left to release
                log.debug("relay.close_failed", error_type=type(exc).__name__)

    async def _ensure_listener(self) -> None:
        """LISTEN on a dedicated connection; on failure the poll interval still applies."""
        if self._listener is not None and not self._listener.is_closed():
            return
        await self._close_listener()
        dsn = self._database.engine.url.set(drivername="postgresql")
        try:
            listener = await asyncpg.connect(
                dsn.render_as_string(hide_password=False), timeout=CONNECT_TIMEOUT_SECONDS
            )
            await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
        except Exception as exc:
            if not self._listen_failing:  # once per outage, not once per poll
                log.warning("relay.listen_failed", error_type=type(exc).__name__)
            self._listen_failing = True
            return
        self._listen_failing = False
        self._listener = listener

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            try:
                await listener.close(timeout=2)
            except Exception:
                listener.terminate()


async def prune_published(database: Database, *, older_than_days: float = 7.0) -> int:
    """Delete rows published more than `older_than_days` ago, in small batches.

    Published rows are kept for a while to answer "was this event sent, and when?".
    """
    total = 0
    while True:
        async with database.transaction() as db:
            batch = (
                select(OutboxEvent.id)
                .where(OutboxEvent.published_at < func.now() - timedelta(days=older_than_days))
                .limit(PRUNE_BATCH)
                .scalar_subquery()
            )
            result = await db.execute(
                delete(OutboxEvent).where(OutboxEvent.id.in_(batch)).returning(OutboxEvent.id)
            )
            deleted: Sequence[Any] = result.all()
        total += len(deleted)
        if len(deleted) < PRUNE_BATCH:
            break
    if total:
        log.info("outbox.pruned", count=total)
    return total
