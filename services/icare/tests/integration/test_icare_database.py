"""The schema: migrations matching the models, forced row-level security on every table
holding an agency's rows."""

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import icare.models  # registers the tables; their names are compared below
import kit.audit
import kit.messaging.inbox
import kit.messaging.outbox  # noqa: F401
from kit.db import Base
from kit.testing import ScratchDatabase

# Every service's models share the kit's Base in one test process: compare icare's
# tables (and the kit's) only.
KIT_TABLES = {"outbox", "inbox", "audit_log"}
OWN_TABLES = {getattr(icare.models, n).__tablename__ for n in icare.models.__all__} | KIT_TABLES


def _own(_: object, name: str | None, type_: str, reflected: bool, __: object) -> bool:
    return type_ != "table" or name in OWN_TABLES


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _own}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(scratch: ScratchDatabase) -> None:
    engine = create_async_engine(scratch.owner_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_every_table_forces_row_level_security(scratch: ScratchDatabase) -> None:
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        rows = await conn.fetch(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
    finally:
        await conn.close()
    secured = {r["relname"] for r in rows if r["relrowsecurity"] and r["relforcerowsecurity"]}
    assert OWN_TABLES - {"outbox", "inbox"} <= secured
