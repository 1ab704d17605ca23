"""Fixtures of the messaging guarantees: a scratch database and vhost, and a TCP proxy
standing in for "the broker" wherever a test needs to take it away."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import aio_pika
import asyncpg
import pytest
import yarl
from alembic.operations import Operations

from kit.db import Database
from kit.logs import configure_logging
from kit.messaging.topology import delete_service_queues, retry_delays_ms
from kit.migrations import create_messaging_tables
from kit.rls import enable_tenant_rls
from kit.testing import (
    DEFAULT_AMQP_URL,
    ScratchDatabase,
    StartConsumer,
    apply_operations,
    create_scratch_database,
    create_vhost,
    delete_vhost,
    drop_scratch_database,
    running_consumers,
)
from tests.guarantees.guarantee_support import MAX_ATTEMPTS, RETRY_BASE_SECONDS
from tests.guarantees.tcp_proxy import TcpProxy

NAME = "ocms_guarantees_test"


def _schema(op: Operations) -> None:
    create_messaging_tables(op)
    # The consumer's "effect": one row per handler run that committed.
    op.execute(
        "CREATE TABLE guarantee_effects (id bigserial PRIMARY KEY, consumer text NOT NULL,"
        " event_id uuid NOT NULL, agency_id uuid NOT NULL)"
    )
    enable_tenant_rls(op, "guarantee_effects")


@pytest.fixture(scope="session", autouse=True)
def json_logs() -> None:
    """Log as a service does (JSON, INFO): the default console renderer is slow and loud."""
    configure_logging("kit-tests", "INFO")


@pytest.fixture(scope="session")
def scratch_db() -> Iterator[ScratchDatabase]:
    db = asyncio.run(create_scratch_database(NAME))
    asyncio.run(apply_operations(db.owner_url, _schema))
    try:
        yield db
    finally:
        asyncio.run(drop_scratch_database(db))


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    url = create_vhost(NAME)
    try:
        yield url
    finally:
        delete_vhost(url)


@pytest.fixture
async def admin(scratch_db: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(scratch_db.admin_dsn)
    await conn.execute("TRUNCATE outbox, inbox, guarantee_effects")
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def database(
    scratch_db: ScratchDatabase, admin: asyncpg.Connection
) -> AsyncIterator[Database]:
    database = Database(scratch_db.app_url, pool_size=10)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    broker = yarl.URL(os.environ.get("OCMS_TEST_AMQP_URL", DEFAULT_AMQP_URL))
    proxy = TcpProxy(broker.host or "127.0.0.1", broker.port or 5672)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


@pytest.fixture
def proxied_amqp_url(amqp_url: str, proxy: TcpProxy) -> str:
    """The same vhost, reached through the proxy."""
    return str(yarl.URL(amqp_url).with_host("127.0.0.1").with_port(proxy.port))


@pytest.fixture
async def broker(amqp_url: str) -> AsyncIterator[aio_pika.abc.AbstractConnection]:
    connection = await aio_pika.connect(amqp_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def service(broker: aio_pika.abc.AbstractConnection) -> AsyncIterator[str]:
    name = f"guar{uuid.uuid4().hex[:10]}"
    yield name
    await delete_service_queues(
        await broker.channel(), name, retry_delays=retry_delays_ms(MAX_ATTEMPTS, RETRY_BASE_SECONDS)
    )


@pytest.fixture
async def start_consumer(
    service: str, database: Database, amqp_url: str, broker: aio_pika.abc.AbstractConnection
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
