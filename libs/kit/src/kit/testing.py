"""Test support: scratch PostgreSQL databases and RabbitMQ vhosts. Imported by tests only.

Names carry the test process's id (`<prefix>_<pid>`): several engineers' test runs on
one machine never drop each other's database or vhost. Leftovers of runs that were
killed (their process is gone) are removed when the next run starts.

A scratch database is created the way production runs: an owner role that migrates
and a separate application role that is neither superuser nor BYPASSRLS, so row-level
security really applies in tests. A scratch vhost keeps a test run's exchanges and
queues away from everything else on a shared broker.

Where the servers are comes from the environment:
`OCMS_TEST_PG_ADMIN_URL` (a superuser; default `postgresql://postgres@127.0.0.1:5432/postgres`),
`OCMS_TEST_AMQP_URL` (default `amqp://guest:guest@127.0.0.1:5672/`) and
`OCMS_TEST_RABBITMQCTL` (default `rabbitmqctl`).
"""

import asyncio
import json
import os
import re
import shlex
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aio_pika
import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import yarl
from aio_pika.abc import AbstractConnection
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from fastapi import FastAPI
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from kit.auth import Principal, Role, TokenVerifier
from kit.db import Database
from kit.messaging.consumer import Consumer, Subscription

# The type of the `start_consumer` fixtures: start a Consumer, return once it consumes.
StartConsumer = Callable[..., Awaitable[Consumer]]

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


def pg_admin_url() -> URL:
    return make_url(os.environ.get("OCMS_TEST_PG_ADMIN_URL", DEFAULT_PG_ADMIN_URL))


def _dsn(url: URL) -> str:
    """An asyncpg DSN (asyncpg does not know SQLAlchemy's `+driver` suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class ScratchDatabase:
    name: str
    owner_role: str
    app_role: str
    admin_url: URL

    def _url(self, role: str | None) -> URL:
        url = self.admin_url.set(drivername="postgresql+asyncpg", database=self.name)
        if role is not None:
            url = url.set(username=role, password=role)
        return url

    @property
    def owner_url(self) -> str:
        """SQLAlchemy URL of the migrating owner role."""
        return self._url(self.owner_role).render_as_string(hide_password=False)

    @property
    def app_url(self) -> str:
        """SQLAlchemy URL of the application role (RLS applies)."""
        return self._url(self.app_role).render_as_string(hide_password=False)

    @property
    def admin_dsn(self) -> str:
        """asyncpg DSN of the superuser in this database (test setup and inspection)."""
        return _dsn(self._url(None))


def run_scoped(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}"


def _stale(prefix: str, names: Iterable[str]) -> list[str]:
    """Names `<prefix>_<pid>` whose process is gone."""
    pattern = re.compile(rf"^{re.escape(prefix)}_(\d+)$")
    stale = []
    for name in names:
        if (match := pattern.match(name)) is None:
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            stale.append(name)
        except PermissionError:  # alive, another user's
            continue
    return stale


async def create_scratch_database(prefix: str) -> ScratchDatabase:
    """Create database `<prefix>_<pid>` owned by `<name>_owner`, used by `<name>_app`."""
    name = run_scoped(prefix)
    db = ScratchDatabase(name, f"{name}_owner", f"{name}_app", pg_admin_url())
    admin = await asyncpg.connect(_dsn(db.admin_url))
    try:
        existing = [r[0] for r in await admin.fetch("SELECT datname FROM pg_database")]
        for leftover in [*_stale(prefix, existing), name]:
            await _drop(admin, leftover)
        for role in (db.owner_role, db.app_role):
            exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            verb = "ALTER" if exists else "CREATE"
            await admin.execute(
                f'{verb} ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'
                f" PASSWORD '{role}'"
            )
        await admin.execute(f'CREATE DATABASE "{name}" OWNER "{db.owner_role}"')
    finally:
        await admin.close()
    inside = await asyncpg.connect(db.admin_dsn)
    try:
        # What the app role may do to the tables the owner's migrations create.
        await inside.execute(
            f"REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
            f' GRANT USAGE ON SCHEMA public TO "{db.app_role}";'
            f' ALTER DEFAULT PRIVILEGES FOR ROLE "{db.owner_role}" IN SCHEMA public'
            f' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{db.app_role}";'
            f' ALTER DEFAULT PRIVILEGES FOR ROLE "{db.owner_role}" IN SCHEMA public'
            f' GRANT USAGE, SELECT ON SEQUENCES TO "{db.app_role}";'
        )
    finally:
        await inside.close()
    return db


async def _drop(admin: asyncpg.Connection, name: str) -> None:
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for role in (f"{name}_app", f"{name}_owner"):
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')


async def drop_scratch_database(db: ScratchDatabase) -> None:
    admin = await asyncpg.connect(_dsn(db.admin_url))
    try:
        await _drop(admin, db.name)
    finally:
        await admin.close()


async def apply_operations(url: str, migrate: Callable[[Operations], None]) -> None:
    """Run Alembic operations (`kit.migrations` helpers) in one transaction, without a
    migrations directory; services' own tests use their real migrations instead."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: migrate(Operations(MigrationContext.configure(sync))))
    finally:
        await engine.dispose()


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*shlex.split(os.environ.get("OCMS_TEST_RABBITMQCTL", "rabbitmqctl")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def _amqp_base() -> str:
    return os.environ.get("OCMS_TEST_AMQP_URL", DEFAULT_AMQP_URL).rstrip("/")


def amqp_url_for(vhost: str) -> str:
    return f"{_amqp_base()}/{quote(vhost, safe='')}"


def create_vhost(prefix: str) -> str:
    """Create vhost `<prefix>_<pid>`, let the test user in, and return its AMQP URL."""
    vhost = run_scoped(prefix)
    user = yarl.URL(_amqp_base()).user or "guest"
    listed = _rabbitmqctl("-q", "list_vhosts", "name", "--no-table-headers").stdout.split()
    for leftover in [*_stale(prefix, listed), vhost]:
        _rabbitmqctl("delete_vhost", leftover)
    for args in (("add_vhost", vhost), ("set_permissions", "-p", vhost, user, ".*", ".*", ".*")):
        done = _rabbitmqctl(*args)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip()}")
    return amqp_url_for(vhost)


def delete_vhost(amqp_url: str) -> None:
    """Delete the vhost of `amqp_url` (as returned by `create_vhost`)."""
    _rabbitmqctl("delete_vhost", yarl.URL(amqp_url).path.lstrip("/"))


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 10.0, interval: float = 0.02
) -> None:
    """Wait until `check()` is true; fail with AssertionError after `within` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


async def queue_state(connection: AbstractConnection, name: str) -> tuple[int, int] | None:
    """(messages ready, consumers) of queue `name`, or None when it does not exist."""
    channel = await connection.channel()
    try:
        queue = await channel.declare_queue(name, passive=True)
    except aio_pika.exceptions.ChannelClosed:
        return None
    result = queue.declaration_result
    await channel.close()
    return result.message_count or 0, result.consumer_count or 0


@asynccontextmanager
async def running_consumers(
    service: str,
    database: Database,
    amqp_url: str,
    broker: AbstractConnection,
    *,
    max_attempts: int,
    retry_base_seconds: float,
) -> AsyncIterator[StartConsumer]:
    """Yield `start(subscriptions, via=None, **kwargs)`: it runs a Consumer of `service`
    in the background and returns once the broker sees it consuming. `via` connects
    through another address (a fault-injecting proxy). All are stopped on exit."""
    running: list[tuple[Consumer, asyncio.Task[None]]] = []

    async def start(
        subscriptions: Sequence[Subscription[Any]], *, via: str | None = None, **kwargs: Any
    ) -> Consumer:
        consumer = Consumer(
            service,
            database,
            via or amqp_url,
            subscriptions,
            max_attempts=max_attempts,
            retry_base_seconds=retry_base_seconds,
            **kwargs,
        )
        running.append((consumer, asyncio.create_task(consumer.run())))

        async def consuming() -> bool:
            state = await queue_state(broker, consumer.queue_name)
            return state is not None and state[1] >= 1

        await eventually(consuming)
        return consumer

    try:
        yield start
    finally:
        for consumer, task in running:
            consumer.stop()
            await asyncio.wait_for(task, timeout=15)


async def migrate_with_alembic(owner_url: str, alembic_ini: Path) -> None:
    """Run a service's own migrations to head, as its migration job does."""

    def upgrade(connection: Connection) -> None:
        config = Config(str(alembic_ini))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade)
    finally:
        await engine.dispose()


@contextmanager
def migrated_scratch_database(prefix: str, alembic_ini: Path) -> Iterator[ScratchDatabase]:
    """A fresh scratch database with a service's migrations applied; dropped on exit."""
    db = asyncio.run(create_scratch_database(prefix))
    try:
        asyncio.run(migrate_with_alembic(db.owner_url, alembic_ini))
        yield db
    finally:
        asyncio.run(drop_scratch_database(db))


# --- a service's API in-process, called as any staff member of any agency ---------------


class ClaimsVerifier(TokenVerifier):
    """Test double: the bearer value is the claims as JSON, so a test acts as anyone.
    Signature checks are `TokenVerifier`'s own tests' business (and tests/security's)."""

    def __init__(self) -> None:
        super().__init__("http://unused.invalid/jwks", issuer="test", audience="test")

    async def verify(self, token: str) -> Principal:
        return Principal.from_claims(json.loads(token))


@asynccontextmanager
async def in_process_api(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on `app` with its lifespan entered (database pool, broker probe)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as client:
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

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)

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
