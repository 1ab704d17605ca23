"""Exports are queued by the request and built by the worker's job: claims that two
workers never share, a dead worker's claim taken over (and its late build dropped), two
queued exports of the same month never sending a record twice."""

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import text

from icare.exports import repository as repo
from icare.exports.runner import Claim, build_claimed, claim_next, run_queued
from icare.storage import MemoryStore
from kit.auth import Role
from kit.db import Database

from .conftest import World


async def _queue(world: World, period: str = "2026-10") -> str:
    response = await world.actor(Role.MANAGER).post(
        "/exports", json={"funding_agreement_id": str(world.agreement), "period": period}
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def test_a_queued_export_is_shown_and_downloads_once_completed(
    world: World, database: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))
    manager = world.actor(Role.MANAGER)
    export_id = await _queue(world)
    queued = (await manager.get(f"/exports/{export_id}")).json()
    assert queued["status"] == "queued" and queued["files"] == [] and queued["failure"] is None
    refused = await manager.get(f"/exports/{export_id}/download")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "export_not_completed"
    assert (await manager.get("/ledger", params={"export_id": export_id})).json()["items"] == []

    assert (await run_queued(database, store)) == {uuid.UUID(export_id): "completed"}
    done = (await manager.get(f"/exports/{export_id}")).json()
    assert done["status"] == "completed" and done["record_count"] == 2
    assert [f["template"] for f in done["files"]] == [
        "client_profile",
        "needs_assessment_referrals",
    ]
    assert f"icare/{world.id}/{export_id}.zip" in store.objects
    assert (await manager.get(f"/exports/{export_id}/download")).status_code == 200
    assert await run_queued(database, store) == {}  # nothing left


async def test_two_workers_never_claim_the_same_export(
    world: World, http: httpx.AsyncClient, database: Database, settings_db: Database
) -> None:
    other = World(http, database, store=world.store)
    await other.setup()
    queued = {uuid.UUID(await _queue(world)), uuid.UUID(await _queue(other))}
    # Two workers (two connection pools) claim at once, three times between them.
    claims = await asyncio.gather(
        claim_next(database, claim_timeout_seconds=900, max_attempts=3),
        claim_next(settings_db, claim_timeout_seconds=900, max_attempts=3),
        claim_next(settings_db, claim_timeout_seconds=900, max_attempts=3),
    )
    got = [c for c in claims if c is not None]
    assert sorted(c.export_id for c in got) == sorted(queued)
    assert all(c.attempt == 1 for c in got)
    assert world.store is not None
    outcomes = await asyncio.gather(*(build_claimed(database, world.store, c) for c in got))
    assert outcomes == ["completed", "completed"]


async def test_a_dead_worker_s_claim_is_taken_over_and_its_late_build_dropped(
    world: World, database: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))
    export_id = uuid.UUID(await _queue(world))
    first = await claim_next(database, claim_timeout_seconds=900, max_attempts=3)
    assert first is not None and first.export_id == export_id
    # Not stale yet: nobody else claims it.
    assert await claim_next(database, claim_timeout_seconds=900, max_attempts=3) is None
    # A live build holds the run's row: even a stale claim is not taken from under it.
    async with database.transaction(agency_id=world.id) as db:
        assert await repo.claimed(db, world.id, export_id, first.attempt) is not None
        assert await claim_next(database, claim_timeout_seconds=0, max_attempts=3) is None
    # Its worker died (no lock held, the claim went stale): claimed again.
    second = await claim_next(database, claim_timeout_seconds=0, max_attempts=3)
    assert second == Claim(export_id, world.id, 2)
    assert await build_claimed(database, store, first) == "lost"
    assert await build_claimed(database, store, second) == "completed"
    ledger = (
        await world.actor(Role.MANAGER).get("/ledger", params={"export_id": str(export_id)})
    ).json()["items"]
    assert len(ledger) == 2


async def test_a_run_interrupted_too_often_fails(world: World, database: Database) -> None:
    export_id = uuid.UUID(await _queue(world))
    for attempt in (1, 2):
        claim = await claim_next(database, claim_timeout_seconds=0, max_attempts=2)
        assert claim == Claim(export_id, world.id, attempt)
    assert await claim_next(database, claim_timeout_seconds=0, max_attempts=2) is None
    failed = (await world.actor(Role.MANAGER).get(f"/exports/{export_id}")).json()
    assert failed["status"] == "failed"
    assert failed["failure"] == "the export was interrupted 2 times"


async def test_two_queued_exports_of_a_month_never_send_a_record_twice(
    world: World, database: Database, settings_db: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    for _ in range(3):
        await world.service(amal, await world.client(amal))
    first, second = await _queue(world), await _queue(world)
    # Two workers build them at the same time.
    results = await asyncio.gather(run_queued(database, store), run_queued(settings_db, store))
    outcomes = results[0] | results[1]
    assert outcomes == {uuid.UUID(first): "completed", uuid.UUID(second): "completed"}
    manager = world.actor(Role.MANAGER)
    counts = sorted(
        [(await manager.get(f"/exports/{e}")).json()["record_count"] for e in (first, second)]
    )
    assert counts == [0, 6]
    async with database.transaction(agency_id=world.id) as db:
        twice = await db.scalar(
            text(
                "SELECT count(*) FROM (SELECT record_id FROM icare_ledger"
                " GROUP BY template, record_id HAVING count(*) > 1) t"
            )
        )
    assert twice == 0


class StuckStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.reached = asyncio.Event()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.reached.set()
        await asyncio.Event().wait()  # until cancelled


async def test_a_build_cancelled_by_a_stopping_worker_goes_back_to_the_queue(
    world: World, database: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))
    export_id = uuid.UUID(await _queue(world))
    stuck = StuckStore()
    building = asyncio.create_task(run_queued(database, stuck))
    await asyncio.wait_for(stuck.reached.wait(), timeout=30)
    building.cancel()
    with pytest.raises(asyncio.CancelledError):
        await building
    back = (await world.actor(Role.MANAGER).get(f"/exports/{export_id}")).json()
    assert back["status"] == "queued" and back["record_count"] == 0
    assert await run_queued(database, store) == {export_id: "completed"}
    ledger = (
        await world.actor(Role.MANAGER).get("/ledger", params={"export_id": str(export_id)})
    ).json()["items"]
    assert len(ledger) == 2
