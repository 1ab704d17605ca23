"""Sessions against a real PostgreSQL: a scratch database migrated with sessions' own
migrations and the app in-process (httpx + ASGI, lifespan entered).

Tokens are not signed here (`kit.testing.ClaimsVerifier`): a test acts as anyone of any
agency through `kit.testing.Agency` / `Actor`.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest

from contracts.clients import ClientRegistered, Consent
from kit.clock import utcnow
from kit.db import Database
from kit.testing import (
    Agency,
    ClaimsVerifier,
    ScratchDatabase,
    in_process_api,
    migrated_scratch_database,
)
from sessions.clients_copy.consumers import on_client_state
from sessions.main import create_app
from sessions.settings import SessionsSettings

NAME = "ocms_sessions_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabase]:
    with migrated_scratch_database(NAME, SERVICE_DIR / "alembic.ini") as db:
        yield db


@pytest.fixture
async def admin_db(scratch: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection (RLS does not apply): to inspect what was written."""
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase) -> SessionsSettings:
    return SessionsSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
        # Unknown client ids are refused after this wait (see test_a_client_registered_...).
        copy_wait_seconds=0.5,
    )


@pytest.fixture(scope="session")
async def http(settings: SessionsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_api(
        create_app(settings, verifier=ClaimsVerifier()), "sessions"
    ) as client:
        yield client


@dataclass
class SessionsAgency(Agency):
    """An agency whose clients sessions knows (its copy, as the worker keeps it)."""

    database: Database | None = None

    async def client(self, kind: str = "named") -> uuid.UUID:
        """A client of the agency, as if clients' registration event had been consumed."""
        assert self.database is not None
        now = utcnow()
        event = ClientRegistered(
            agency_id=self.id, id=uuid.uuid4(), kind=kind, restricted=False,
            consent=Consent(status="given"), registered_at=now, registered_by=uuid.uuid4(),
            updated_at=now, version=1,
        )  # fmt: skip
        async with self.database.transaction(agency_id=self.id) as db:
            await on_client_state(db, event)
        return event.id


@pytest.fixture(scope="session")
async def copy_db(scratch: ScratchDatabase) -> AsyncIterator[Database]:
    database = Database(scratch.app_url, pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture
def agency(http: httpx.AsyncClient, copy_db: Database) -> Agency:
    return SessionsAgency(http, database=copy_db)
