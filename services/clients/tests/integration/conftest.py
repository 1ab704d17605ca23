"""Clients against a real PostgreSQL: a scratch database migrated with clients' own
migrations and the app in-process (httpx + ASGI, lifespan entered).

Tokens are not signed here (`kit.testing.ClaimsVerifier`): a test acts as anyone of any
agency through `kit.testing.Agency` / `Actor`.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest

from clients.main import create_app
from clients.settings import ClientsSettings
from kit.testing import (
    Agency,
    ClaimsVerifier,
    ScratchDatabase,
    in_process_api,
    migrated_scratch_database,
)

NAME = "ocms_clients_unittest"
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
def settings(scratch: ScratchDatabase) -> ClientsSettings:
    return ClientsSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def http(settings: ClientsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_api(create_app(settings, verifier=ClaimsVerifier()), "clients") as client:
        yield client


@pytest.fixture
def agency(http: httpx.AsyncClient) -> Agency:
    return Agency(http)


CONSENT = {"statement_version": "2026-01", "language": "English"}


def uci() -> str:
    """A fresh 8-digit UCI."""
    return f"{uuid.uuid4().int % 10**8:08d}"
