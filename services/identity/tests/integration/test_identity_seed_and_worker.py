"""The demo seed (idempotent, through the same use cases) and the worker's housekeeping."""

import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import jwt
import pytest

from identity.seed import (
    AGENCY_ADMIN,
    CASEWORKERS,
    DEMO_PASSWORD,
    MANAGER,
    PLATFORM_ADMIN,
    seed,
)
from identity.settings import IdentitySettings
from identity.worker import purge_sign_in_data
from kit.db import Database

pytestmark = pytest.mark.integration

TABLES = ("agencies", "programs", "users", "program_memberships", "funders", "funding_agreements")


async def _counts(admin_db: asyncpg.Connection) -> dict[str, int]:
    return {t: await admin_db.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}


async def test_seed_is_idempotent_and_its_people_sign_in(
    api: Any, settings: IdentitySettings, admin_db: asyncpg.Connection
) -> None:
    before = await _counts(admin_db)
    await seed(settings)  # already ran once for the session
    assert await _counts(admin_db) == before

    manager = await api.sign_in(MANAGER, DEMO_PASSWORD)
    claims = jwt.decode(manager.token, options={"verify_signature": False})
    assert claims["role"] == "manager"
    assert len(claims["programs"]) == 2
    workers = {(await api.sign_in(email, DEMO_PASSWORD)).id for email, *_ in CASEWORKERS}
    assert set(claims["manages"]) == workers
    assert (await api.sign_in(AGENCY_ADMIN, DEMO_PASSWORD)).user["role"] == "agency_admin"
    assert (await api.sign_in(PLATFORM_ADMIN, DEMO_PASSWORD)).user["role"] == "platform_admin"
    programs = {p["code"] for p in (await manager.get("/programs")).json()["items"]}
    assert programs == {"SETTLE", "EMPLOY"}
    [agreement] = (await manager.get("/funding-agreements")).json()["items"]
    assert len(agreement["program_ids"]) == 2
    # The seed went through the use cases: the other services hear of it.
    assert (
        await admin_db.fetchval(
            "SELECT count(*) FROM outbox WHERE routing_key = 'identity.user.updated.v1'"
            " AND payload->>'email' = $1",
            MANAGER,
        )
        == 1
    )


async def test_the_worker_purges_what_can_no_longer_be_used(
    api: Any, settings: IdentitySettings, admin_db: asyncpg.Connection, inbox: Any
) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    live = await api.sign_in(email, "Correct-horse-2026")
    ended = await api.sign_in(email, "Correct-horse-2026")
    await api.http.post("/password-reset/request", json={"email": email})
    await api.login(
        f"nobody.{uuid.uuid4().hex[:6]}@example.org", "Wrong-password-1", ip="192.0.2.99"
    )
    user_id = uuid.UUID(live.id)
    await admin_db.execute(
        "UPDATE login_sessions SET revoked_at = now() - interval '2 days' WHERE user_id = $1"
        " AND id <> (SELECT id FROM login_sessions WHERE user_id = $1 ORDER BY created_at LIMIT 1)",
        user_id,
    )
    await admin_db.execute(
        "UPDATE password_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1",
        user_id,
    )
    await admin_db.execute(
        "UPDATE login_throttles SET last_failure_at = now() - interval '2 days',"
        " blocked_until = NULL"
    )

    database = Database(settings.database_url, pool_size=1)
    try:
        await purge_sign_in_data(settings)(database)
    finally:
        await database.dispose()

    assert (
        await admin_db.fetchval("SELECT count(*) FROM login_sessions WHERE user_id = $1", user_id)
        == 1
    )
    assert (
        await admin_db.fetchval("SELECT count(*) FROM password_tokens WHERE user_id = $1", user_id)
        == 0
    )
    assert await admin_db.fetchval("SELECT count(*) FROM login_throttles") == 0
    assert (await api.exchange(live.session_id)).status_code == 200
    assert (await api.exchange(ended.session_id)).status_code == 401
