"""run_worker: relay, consumer and periodic jobs in one process, stopped by SIGTERM."""

import asyncio
import os
import signal
import uuid
from typing import ClassVar

import pytest
from aio_pika.abc import AbstractConnection
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Database
from kit.messaging import Subscription, add_event
from kit.messaging.topology import delete_service_queues, retry_delays_ms
from kit.settings import ServiceSettings
from kit.testing import ScratchDatabase, eventually, queue_state
from kit.worker import run_job_once, run_worker

pytestmark = pytest.mark.integration


class NoteAdded(BaseModel):
    model_config = ConfigDict(frozen=True)
    routing_key: ClassVar[str] = "kittest.note.added.v1"

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    agency_id: uuid.UUID
    correlation_id: str | None = None


async def test_worker_relays_consumes_runs_jobs_and_stops_on_sigterm(
    scratch_db: ScratchDatabase,
    amqp_url: str,
    database: Database,
    broker: AbstractConnection,
    service: str,
) -> None:
    settings = ServiceSettings(
        service_name=service,
        database_url=scratch_db.app_url,
        amqp_url=amqp_url,
        outbox_poll_seconds=0.2,
        consumer_max_attempts=2,
        consumer_retry_base_seconds=0.05,
        db_pool_size=3,
    )
    handled: list[uuid.UUID] = []
    job_runs: list[int] = []

    async def on_note(db: AsyncSession, event: NoteAdded) -> None:
        await db.execute(
            text("INSERT INTO kit_effects (consumer, event_id, agency_id) VALUES (:c, :e, :a)"),
            {"c": service, "e": event.event_id, "a": event.agency_id},
        )
        handled.append(event.event_id)

    async def job(db: Database) -> None:
        job_runs.append(1)

    worker = asyncio.create_task(
        run_worker(
            settings,
            subscriptions=[Subscription(NoteAdded, on_note)],
            periodic=[("kittest.tick", 0.1, job)],
        )
    )
    try:
        # A queue receives what is published after it exists: wait for the consumer's.
        async def consuming() -> bool:
            state = await queue_state(broker, f"{service}.events")
            return state is not None and state[1] == 1

        await eventually(consuming)
        event = NoteAdded(agency_id=uuid.uuid4())
        async with database.transaction(agency_id=event.agency_id) as db:
            await add_event(db, event)

        async def handled_once() -> bool:
            return handled == [event.event_id]

        await eventually(handled_once)

        async def ticked() -> bool:
            return len(job_runs) >= 2

        await eventually(ticked)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(worker, timeout=10)
    finally:
        if not worker.done():
            worker.cancel()
        await delete_service_queues(
            await broker.channel(), service, retry_delays=retry_delays_ms(2, 0.05)
        )
    assert worker.exception() is None
    # The handlers are restored: SIGTERM is no longer caught by the finished worker.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


async def test_a_periodic_job_runs_on_one_replica_at_a_time(database: Database) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(db: Database) -> None:
        started.set()
        await release.wait()

    first = asyncio.create_task(run_job_once("kittest.exclusive", slow, database))
    await started.wait()
    assert await run_job_once("kittest.exclusive", slow, database) == "skipped"  # lock held
    release.set()
    assert await first == "ran"
    release.set()
    assert await run_job_once("kittest.exclusive", slow, database) == "ran"  # lock released


async def test_a_failing_job_is_logged_not_raised(database: Database) -> None:
    async def broken(db: Database) -> None:
        raise RuntimeError("boom")

    assert await run_job_once("kittest.broken", broken, database) == "failed"
