"""The schema itself: forced row-level security, what an empty context sees, and
migrations that match the models."""

import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import identity.models  # registers the tables; their names are compared below
import kit.audit
import kit.messaging.inbox
import kit.messaging.outbox  # noqa: F401
from kit.auth import Principal, Role
from kit.db import Base, Database, Scope
from kit.testing import ScratchDatabase

pytestmark = pytest.mark.integration


async def test_every_tenant_table_forces_row_level_security(
    admin_db: asyncpg.Connection,
) -> None:
    tenant_tables = {
        r["table_name"]
        for r in await admin_db.fetch(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND column_name = 'agency_id'"
        )
    } | {"agencies", "login_throttles"}
    assert {"users", "programs", "partnerships", "login_sessions", "audit_log"} <= tenant_tables
    rows = await admin_db.fetch(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relname = ANY($1::text[]) AND relkind = 'r'",
        sorted(tenant_tables),
    )
    assert {r["relname"] for r in rows} == tenant_tables
    unprotected = [
        r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])
    ]
    assert unprotected == []


async def test_the_app_role_owns_nothing_and_bypasses_nothing(
    admin_db: asyncpg.Connection, scratch: ScratchDatabase
) -> None:
    role = await admin_db.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", scratch.app_role
    )
    assert role is not None and not role["rolsuper"] and not role["rolbypassrls"]
    owned = await admin_db.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = $1",
        scratch.app_role,
    )
    assert owned == 0


async def _count(database: Database, table: str, **context: Any) -> int:
    async with database.transaction(**context) as db:
        return int((await db.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_a_transaction_without_context_sees_no_tenant_rows(
    api: Any, scratch: ScratchDatabase
) -> None:
    a = await api.new_agency()
    await api.new_program(a)
    database = Database(scratch.app_url, pool_size=1)
    try:
        for table in ("agencies", "users", "programs", "login_sessions", "audit_log"):
            assert await _count(database, table) == 0, table
        principal = Principal(
            user_id=uuid.UUID(a.id), agency_id=uuid.UUID(a.agency_id), role=Role.AGENCY_ADMIN
        )
        assert await _count(database, "agencies", principal=principal) == 1
        assert await _count(database, "programs", principal=principal) == 1
        assert await _count(database, "users", principal=principal) == 1
        assert await _count(database, "users", scope=Scope.AUTH) > 1  # sign-in lookups
        assert await _count(database, "programs", scope=Scope.AUTH) == 0
    finally:
        await database.dispose()


async def test_the_partner_cannot_forge_a_partnership(api: Any, scratch: ScratchDatabase) -> None:
    """RLS backstop: the invited side may update a partnership, never insert one."""
    a, b = await api.new_agency(), await api.new_agency()
    principal = Principal(
        user_id=uuid.UUID(b.id), agency_id=uuid.UUID(b.agency_id), role=Role.AGENCY_ADMIN
    )
    database = Database(scratch.app_url, pool_size=1)
    try:
        with pytest.raises(DBAPIError, match="row-level security"):
            async with database.transaction(principal) as db:
                await db.execute(
                    text(
                        "INSERT INTO partnerships (id, agency_id, partner_agency_id, status,"
                        " shares, starts_on, proposed_by) VALUES (:id, :a, :b, 'active',"
                        " ARRAY['client_profile'], current_date, :user)"
                    ),
                    {
                        "id": uuid.uuid4(),
                        "a": uuid.UUID(a.agency_id),
                        "b": uuid.UUID(b.agency_id),
                        "user": uuid.UUID(b.id),
                    },
                )
    finally:
        await database.dispose()


# Every service's models share the kit's Base in one test process: compare identity's
# tables (and the kit's) only.
KIT_TABLES = {"outbox", "inbox", "audit_log"}
OWN_TABLES = {getattr(identity.models, n).__tablename__ for n in identity.models.__all__}
OWN_TABLES |= KIT_TABLES


def _own(_: object, name: str | None, type_: str, reflected: bool, __: object) -> bool:
    return type_ != "table" or name in OWN_TABLES


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _own}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(scratch: ScratchDatabase) -> None:
    engine = create_async_engine(scratch.owner_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []
