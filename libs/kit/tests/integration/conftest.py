"""A scratch database and vhost for the kit's integration tests.

`ocms_kit_test` is created fresh per test session with an owner role (runs the
migration helpers) and an application role without BYPASSRLS (runs the code under
test), and dropped at the end; so is the RabbitMQ vhost of the same name.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractConnection
from alembic.operations import Operations

from kit.db import Database
from kit.logs import configure_logging
from kit.messaging.topology import delete_service_queues, retry_delays_ms
from kit.migrations import create_audit_table, create_messaging_tables
from kit.rls import CURRENT_AGENCY, create_policy, enable_tenant_rls, force_rls
from kit.testing import (
    ScratchDatabase,
    StartConsumer,
    apply_operations,
    create_scratch_database,
    create_vhost,
    delete_vhost,
    drop_scratch_database,
    running_consumers,
)

NAME = "ocms_kit_test"


@dataclass(frozen=True)
class Scratch:
    db: ScratchDatabase
    amqp_url: str


def _schema(op: Operations) -> None:
    create_messaging_tables(op)
    create_audit_table(op, admit_scopes=("platform",))
    # Tables of the tests themselves, under the same RLS helpers a service uses.
    op.execute("CREATE TABLE kit_items (id uuid PRIMARY KEY, agency_id uuid NOT NULL, name text)")
    enable_tenant_rls(op, "kit_items", admit_scopes=("platform",))
    op.execute(
        "CREATE TABLE kit_partnerships (id uuid PRIMARY KEY, agency_a uuid NOT NULL,"
        " agency_b uuid NOT NULL)"
    )
    force_rls(op, "kit_partnerships")
    either = f"agency_a = {CURRENT_AGENCY} OR agency_b = {CURRENT_AGENCY}"
    create_policy(op, "kit_partnerships", "partners_see_it", either, f"agency_a = {CURRENT_AGENCY}")
    op.execute(
        "CREATE TABLE kit_effects (id bigserial PRIMARY KEY, consumer text NOT NULL,"
        " event_id uuid NOT NULL, agency_id uuid NOT NULL)"
    )
    enable_tenant_rls(op, "kit_effects")


@pytest.fixture(scope="session", autouse=True)
def json_logs() -> None:
    """Log as a service does (JSON, INFO): the default console renderer is slow and loud."""
    configure_logging("kit-tests", "INFO")


@pytest.fixture(scope="session")
def scratch() -> Iterator[Scratch]:
    db = asyncio.run(create_scratch_database(NAME))
    asyncio.run(apply_operations(db.owner_url, _schema))
    amqp_url = create_vhost(NAME)
    try:
        yield Scratch(db, amqp_url)
    finally:
        delete_vhost(amqp_url)
        asyncio.run(drop_scratch_database(db))


@pytest.fixture
def amqp_url(scratch: Scratch) -> str:
    return scratch.amqp_url


@pytest.fixture
def scratch_db(scratch: Scratch) -> ScratchDatabase:
    return scratch.db


@pytest.fixture
async def admin(scratch: Scratch) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection (RLS does not apply) to set up and inspect; cleans tables."""
    conn = await asyncpg.connect(scratch.db.admin_dsn)
    await conn.execute("TRUNCATE outbox, inbox, kit_effects, kit_items, kit_partnerships")
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def database(scratch: Scratch, admin: asyncpg.Connection) -> AsyncIterator[Database]:
    """The code under test connects as the application role."""
    database = Database(scratch.db.app_url, pool_size=5)
    try:
        yield database
    finally:
        await database.dispose()


# Test consumers use these settings, so teardown knows their retry queues.
MAX_ATTEMPTS = 3
RETRY_BASE_SECONDS = 0.05


@pytest.fixture
async def service(amqp_url: str) -> AsyncIterator[str]:
    """A service name of its own per test, hence queues of its own (deleted afterwards)."""
    name = f"kit{uuid.uuid4().hex[:10]}"
    yield name
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await delete_service_queues(
            channel, name, retry_delays=retry_delays_ms(MAX_ATTEMPTS, RETRY_BASE_SECONDS)
        )
    finally:
        await connection.close()


@pytest.fixture
async def broker(amqp_url: str) -> AsyncIterator[AbstractConnection]:
    """A plain connection for the test to publish, inspect and peek with."""
    connection = await aio_pika.connect(amqp_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def start_consumer(
    service: str, database: Database, amqp_url: str, broker: AbstractConnection
) -> AsyncIterator[StartConsumer]:
    """Start a Consumer of `service` in the background; returns once it consumes."""
    async with running_consumers(
        service,
        database,
        amqp_url,
        broker,
        max_attempts=MAX_ATTEMPTS,
        retry_base_seconds=RETRY_BASE_SECONDS,
    ) as start:
        yield start
