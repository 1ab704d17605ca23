"""Sessions against a real PostgreSQL: a scratch database migrated with sessions' own
migrations and the app in-process (httpx + ASGI, lifespan entered).

Tokens are not signed here: the app gets a verifier that reads the claims straight from
the bearer value, so a test can act as anyone of any agency. Signature checks are the
kit's (and tests/security's) business.
"""

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from fastapi import FastAPI

from kit.auth import Principal, Role, TokenVerifier
from kit.testing import ScratchDatabase, migrated_scratch_database
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


class ClaimsVerifier(TokenVerifier):
    """Test double: the bearer value is the claims as JSON."""

    def __init__(self) -> None:
        super().__init__("http://unused.invalid/jwks", issuer="test", audience="test")

    async def verify(self, token: str) -> Principal:
        return Principal.from_claims(json.loads(token))


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase) -> SessionsSettings:
    return SessionsSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def app(settings: SessionsSettings) -> AsyncIterator[FastAPI]:
    application = create_app(settings, verifier=ClaimsVerifier())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sessions") as client:
        yield client


@dataclass
class Actor:
    """A staff member of some agency, calling the API with their claims."""

    http: httpx.AsyncClient
    principal: Principal

    @property
    def id(self) -> uuid.UUID:
        return self.principal.user_id

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        token = json.dumps(self.principal.to_claims())
        headers = {"Authorization": f"Bearer {token}"}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)


@dataclass
class Agency:
    """A fresh agency with two programs; its staff are made up on demand."""

    http: httpx.AsyncClient
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    settle: uuid.UUID = field(default_factory=uuid.uuid4)
    employ: uuid.UUID = field(default_factory=uuid.uuid4)

    def _actor(self, role: Role, programs: set[uuid.UUID], manages: set[uuid.UUID]) -> Actor:
        principal = Principal(
            user_id=uuid.uuid4(),
            agency_id=self.id,
            role=role,
            programs=frozenset(programs),
            manages=frozenset(manages),
        )
        return Actor(self.http, principal)

    def worker(self, program: str = "settle") -> Actor:
        return self._actor(Role.CASEWORKER, {getattr(self, program)}, set())

    def manager(self, *workers: Actor) -> Actor:
        return self._actor(Role.MANAGER, {self.settle, self.employ}, {w.id for w in workers})

    def admin(self) -> Actor:
        return self._actor(Role.AGENCY_ADMIN, set(), set())


@pytest.fixture
def agency(http: httpx.AsyncClient) -> Agency:
    return Agency(http)
