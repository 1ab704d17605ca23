"""Row-level security on every tenant table, and what a client merge does to records."""

import json
import uuid
from datetime import UTC, datetime

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import text

from contracts.clients import ClientMerged, ClientProfile, ClientUnmerged, Consent
from kit.db import Database
from kit.testing import Agency

from .conftest import Events

TENANT_TABLES = (
    "referral_client_copies",
    "referral_staff_copies",
    "referral_program_copies",
    "interactions",
    "referral_form_drafts",
    "client_merge_moves",
    "tasks",
    "task_comments",
    "partners",
    "referrals",
    "referral_status_history",
    "notifications",
)


async def test_every_tenant_table_is_under_forced_rls(database: Database) -> None:
    async with database.transaction() as db:
        forced: dict[str, bool] = dict(
            (
                await db.execute(
                    text(
                        "SELECT relname, relforcerowsecurity FROM pg_class"
                        " WHERE relname = ANY(:names)"
                    ),
                    {"names": list(TENANT_TABLES)},
                )
            ).all()
        )
    assert forced == dict.fromkeys(TENANT_TABLES, True)


async def test_no_context_sees_nothing_and_an_agency_sees_its_own(
    agency: Agency, events: Events, database: Database
) -> None:
    worker = agency.worker()
    await events.client(agency, worker)
    created = await worker.post("/tasks", json={"client_id": str(uuid.uuid4()), "title": "T"})
    assert created.status_code == 201
    async with database.transaction() as db:
        for table in TENANT_TABLES:
            count = await db.scalar(text(f"SELECT count(*) FROM {table}"))
            assert count == 0, table
    async with database.transaction(agency_id=uuid.uuid4()) as db:
        assert await db.scalar(text("SELECT count(*) FROM tasks")) == 0
    async with database.transaction(agency_id=agency.id) as db:
        assert await db.scalar(text("SELECT count(*) FROM tasks")) == 1
        assert await db.scalar(text("SELECT count(*) FROM referral_client_copies")) == 1


def _profile(client_id: uuid.UUID, by: uuid.UUID, version: int) -> ClientProfile:
    now = datetime.now(UTC)
    return ClientProfile(
        id=client_id,
        kind="named",
        restricted=False,
        consent=Consent(status="given"),
        given_name="Kim",
        email="kim@example.org",
        has_email=True,
        registered_at=now,
        registered_by=by,
        updated_at=now,
        version=version,
    )


async def test_a_merge_moves_records_to_the_survivor_and_an_unmerge_moves_them_back(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    survivor = await events.client(agency, worker)
    absorbed = await events.client(agency, worker)
    task = (await worker.post("/tasks", json={"client_id": str(absorbed), "title": "T"})).json()
    merge_id = uuid.uuid4()
    await events.deliver(
        ClientMerged(
            agency_id=agency.id,
            merge_id=merge_id,
            survivor=_profile(survivor, worker.id, 2),
            absorbed_id=absorbed,
        )
    )
    moved = (await worker.get(f"/tasks/{task['id']}")).json()
    assert moved["client_id"] == str(survivor)
    await events.deliver(
        ClientUnmerged(
            agency_id=agency.id,
            merge_id=merge_id,
            survivor=_profile(survivor, worker.id, 3),
            restored=_profile(absorbed, worker.id, 3),
        )
    )
    back = (await worker.get(f"/tasks/{task['id']}")).json()
    assert back["client_id"] == str(absorbed)
    # The task's events follow it: created, moved to the survivor, moved back.
    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE payload->'task'->>'id' = $1 ORDER BY seq", task["id"]
    )
    published = [json.loads(r["payload"]) for r in rows]
    assert [(p["task"]["client_id"], p["task"]["version"]) for p in published] == [
        (str(absorbed), 1), (str(survivor), 2), (str(absorbed), 3),
    ]  # fmt: skip
    assert [p.get("changed_fields") for p in published[1:]] == [["client_id"], ["client_id"]]
