"""One service's background process: outbox relay, consumer and periodic jobs.

A service's `worker.py` is:

    def main() -> None:
        asyncio.run(run_worker(Settings(), subscriptions=[...], periodic=[...]))

SIGTERM (Kubernetes stopping the pod) and SIGINT stop taking new work, let messages
in hand settle, and return. A component that dies of a bug ends the worker with its
exception, so the orchestrator restarts it rather than leaving a half-alive process.

Periodic jobs run at start and then every `interval` seconds. Each run holds a
PostgreSQL advisory lock named after the job, so with several replicas one runs it
at a time and the others skip that round.
"""

import asyncio
import hashlib
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

from prometheus_client import start_http_server
from sqlalchemy import text

from kit.db import Database
from kit.logs import configure_logging, get_logger
from kit.messaging.backoff import sleep_unless
from kit.messaging.consumer import Consumer, Subscription
from kit.messaging.relay import OutboxRelay, prune_published
from kit.requestctx import bound_request_id, new_request_id
from kit.settings import ServiceSettings

log = get_logger()

Job = Callable[[Database], Awaitable[None]]
# "skipped": another replica holds the job's lock (it is running there).
JobOutcome = Literal["ran", "skipped", "failed"]
Periodic = tuple[str, float, Job]

PRUNE_INTERVAL_SECONDS = 6 * 3600.0
STOP_TIMEOUT_SECONDS = 30.0


async def run_worker(
    settings: ServiceSettings,
    *,
    subscriptions: Sequence[Subscription[Any]] = (),
    periodic: Sequence[Periodic] = (),
) -> None:
    configure_logging(settings.service_name, settings.log_level)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    database = Database(settings.database_url, pool_size=settings.db_pool_size)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)

    async def prune(db: Database) -> None:
        await prune_published(db, older_than_days=settings.outbox_retention_days)

    relay = OutboxRelay(
        database,
        settings.amqp_url,
        service=settings.service_name,
        poll_seconds=settings.outbox_poll_seconds,
    )
    consumer = (
        Consumer(
            settings.service_name,
            database,
            settings.amqp_url,
            subscriptions,
            max_attempts=settings.consumer_max_attempts,
            retry_base_seconds=settings.consumer_retry_base_seconds,
            prefetch=settings.consumer_prefetch,
        )
        if subscriptions
        else None
    )
    jobs = [("outbox.prune", PRUNE_INTERVAL_SECONDS, prune), *periodic]
    tasks = [asyncio.create_task(relay.run(), name="relay")]
    if consumer is not None:
        tasks.append(asyncio.create_task(consumer.run(), name="consumer"))
    tasks += [
        asyncio.create_task(_every(name, interval, job, database, stopping), name=name)
        for name, interval, job in jobs
    ]
    log.info(
        "worker.started",
        subscriptions=sorted(s.routing_key for s in subscriptions),
        jobs=[name for name, _, _ in jobs],
    )
    stop_wait = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait([stop_wait, *tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.set()
        relay.stop()
        if consumer is not None:
            consumer.stop()
        _, pending = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await database.dispose()
        log.info("worker.stopped")
    for task in tasks:
        if task.done() and not task.cancelled() and (error := task.exception()) is not None:
            raise RuntimeError(f"worker component {task.get_name()} failed") from error


async def _every(
    name: str, interval: float, job: Job, database: Database, stopping: asyncio.Event
) -> None:
    while not stopping.is_set():
        await run_job_once(name, job, database)
        if await sleep_unless(stopping, interval):
            return


def _lock_key(name: str) -> int:
    digest = hashlib.sha256(f"ocms.job.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def run_job_once(name: str, job: Job, database: Database) -> JobOutcome:
    """Run `job` unless another replica holds its lock. Never raises: a failure is
    logged and reported, to be tried again by the next run."""
    key = _lock_key(name)
    try:
        async with database.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            locked = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            if not locked:
                log.info("job.skipped", job=name, reason="running_elsewhere")
                return "skipped"
            try:
                with bound_request_id(new_request_id()):
                    await job(database)
                log.info("job.completed", job=name)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    except Exception as exc:  # a failed run is logged and tried again next interval
        log.error("job.failed", job=name, error_type=type(exc).__name__, exc_info=exc)
        return "failed"
    return "ran"
