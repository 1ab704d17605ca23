"""The migration helpers: they agree with the models, and run through a real env.py."""

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from kit.audit import AuditEntry
from kit.db import Base
from kit.messaging import InboxMessage, OutboxEvent
from kit.testing import ScratchDatabase, create_scratch_database, drop_scratch_database

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).parent / "alembic_project"
KIT_TABLES = {"outbox", "inbox", "audit_log"}


def kit_metadata() -> MetaData:
    metadata = MetaData()
    for model in (OutboxEvent, InboxMessage, AuditEntry):
        Base.metadata.tables[model.__tablename__].to_metadata(metadata)
    return metadata


async def test_helpers_create_exactly_what_the_models_declare(
    scratch_db: ScratchDatabase,
) -> None:
    engine = create_async_engine(scratch_db.owner_url, poolclass=NullPool)
    metadata = kit_metadata()

    def diff(sync_conn: Connection) -> list[Any]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return [
            d
            for d in compare_metadata(context, metadata)
            if not (isinstance(d, tuple) and d[0] == "remove_table")  # the tests' own tables
        ]

    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == []


@pytest.fixture
def alembic_db() -> Iterator[ScratchDatabase]:
    db = asyncio.run(create_scratch_database("ocms_kit_test_alembic"))
    try:
        yield db
    finally:
        asyncio.run(drop_scratch_database(db))


def alembic_config(buffer: io.StringIO | None = None) -> Config:
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", str(PROJECT))
    return config


async def tables(db: ScratchDatabase) -> set[str]:
    conn = await asyncpg.connect(db.admin_dsn)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r[0] for r in rows}
    finally:
        await conn.close()


def test_run_alembic_env_migrates_online_up_and_down(
    alembic_db: ScratchDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCMS_MIGRATION_DATABASE_URL", alembic_db.owner_url)
    command.upgrade(alembic_config(), "head")
    assert KIT_TABLES | {"alembic_version"} <= asyncio.run(tables(alembic_db))
    command.downgrade(alembic_config(), "base")
    assert asyncio.run(tables(alembic_db)) == {"alembic_version"}


def test_run_alembic_env_writes_sql_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCMS_MIGRATION_DATABASE_URL", "postgresql+asyncpg://nobody@nowhere/none")
    buffer = io.StringIO()
    command.upgrade(alembic_config(buffer), "head", sql=True)
    sql = buffer.getvalue()
    for expected in (
        "CREATE TABLE outbox",
        "GENERATED ALWAYS AS IDENTITY",
        "CREATE TRIGGER outbox_notify",
        "CREATE TABLE inbox",
        "CREATE TABLE audit_log",
        "ALTER TABLE audit_log FORCE ROW LEVEL SECURITY",
        "CREATE POLICY audit_visibility",
        "CREATE TRIGGER audit_log_append_only",
    ):
        assert expected in sql


def test_migrations_refuse_to_guess_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCMS_MIGRATION_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="OCMS_MIGRATION_DATABASE_URL"):
        command.upgrade(alembic_config(), "head")
