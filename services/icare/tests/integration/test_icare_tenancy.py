"""One agency never sees another's copies, exports or ledger: the application's checks,
and row-level security under them; merged clients' records follow the survivor."""

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from sqlalchemy import text

from contracts.clients import ClientMerged, ClientUnmerged
from kit.auth import Role
from kit.db import Database
from kit.testing import ScratchDatabase

from .conftest import World, export_now, feed


@pytest.fixture
async def app_conn(scratch: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    """The application role (RLS applies), without any tenant context."""
    conn = await asyncpg.connect(scratch.app_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        yield conn
    finally:
        await conn.close()


async def test_another_agency_sees_nothing(
    world: World, http: httpx.AsyncClient, database: Database, app_conn: asyncpg.Connection
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))
    manager = world.actor(Role.MANAGER)
    done = await export_now(world)
    assert done["record_count"] == 2
    export_id = done["id"]

    other = World(http, database)
    await other.setup()
    stranger = other.actor(Role.AGENCY_ADMIN)
    assert (await stranger.get(f"/exports/{export_id}")).status_code == 404
    assert (await stranger.get(f"/exports/{export_id}/download")).status_code == 404
    assert (await stranger.get("/ledger", params={"export_id": export_id})).json()["items"] == []
    readiness = await stranger.get(
        "/readiness", params={"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    )
    assert readiness.status_code == 404
    entries = (await manager.get("/ledger", params={"export_id": export_id})).json()["items"]
    put = await stranger.put(f"/ledger/{entries[0]['id']}", json={"icare_record_id": "1"})
    assert put.status_code == 404

    # Under the application's checks: no context, no rows.
    for table in ("icare_clients", "icare_services", "icare_exports", "icare_ledger",
                  "icare_staff", "icare_agencies", "icare_funding_agreements"):  # fmt: skip
        assert await app_conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table
    async with database.transaction(agency_id=other.id) as db:
        seen = await db.scalar(text("SELECT count(*) FROM icare_ledger"))
    assert seen == 0


async def test_a_merged_client_s_records_follow_the_survivor(world: World) -> None:
    amal = await world.worker("Amal", "Haddad")
    survivor = await world.client(amal)
    absorbed = await world.client(amal, address={})  # no postal code: not ready
    await world.service(amal, absorbed)
    params = {"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    manager = world.actor(Role.MANAGER)

    def client_of(report: dict[str, Any]) -> set[str]:
        return {str(r["client_id"]) for r in report["records"]}

    before = (await manager.get("/readiness", params=params)).json()
    assert client_of(before) == {str(absorbed)}

    profile = {
        "id": survivor, "kind": "named", "restricted": False, "consent": {"status": "given"},
        "identifier_type": "FOSS/GCMS Client ID", "identifier_value": "12345678",
        "birth_date": dt.date(1990, 5, 1), "address": {"postal_code": "M5V2T6"},
        "official_language": "English", "research_consent": "Yes", "registered_at": world.clock,
        "registered_by": amal, "updated_at": world.tick(), "version": 2,
    }  # fmt: skip
    merge_id = uuid.uuid4()
    await feed(
        world.database,
        ClientMerged(agency_id=world.id, merge_id=merge_id, survivor=profile, absorbed_id=absorbed),
    )
    merged = (await manager.get("/readiness", params=params)).json()
    assert merged["records"] == []  # the survivor is complete
    counts = {t["template"]: t["records"] for t in merged["templates"]}
    assert counts["client_profile"] == 1 and counts["needs_assessment_referrals"] == 1

    restored = {**profile, "id": absorbed, "address": {}, "version": 3}
    await feed(
        world.database,
        ClientUnmerged(
            agency_id=world.id,
            merge_id=merge_id,
            survivor={**profile, "version": 3},
            restored=restored,
        ),
    )
    after = (await manager.get("/readiness", params=params)).json()
    assert client_of(after) == {str(absorbed)}
