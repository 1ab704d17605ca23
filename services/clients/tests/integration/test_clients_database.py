"""The schema: forced row-level security, the notes backstop, migrations matching the
models, and the local copies identity's events keep."""

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import clients.models  # registers the tables; their names are compared below
import kit.audit
import kit.messaging.inbox
import kit.messaging.outbox  # noqa: F401
from clients.staff.consumers import on_program_updated, on_user_updated
from contracts.identity import ProgramUpdated, UserUpdated
from kit.auth import Principal, Role
from kit.db import Base, Database
from kit.testing import ScratchDatabase

pytestmark = pytest.mark.integration


async def test_every_tenant_table_forces_row_level_security(admin_db: asyncpg.Connection) -> None:
    rows = await admin_db.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
        " WHERE c.relkind = 'r' AND EXISTS (SELECT 1 FROM information_schema.columns i"
        "  WHERE i.table_schema = 'public' AND i.table_name = c.relname"
        "  AND i.column_name = 'agency_id')"
    )
    names = {r["relname"] for r in rows}
    assert {"clients", "client_notes", "staff_copies", "settlement_plans", "audit_log"} <= names
    assert [
        r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])
    ] == []


# Every service's models share the kit's Base in one test process: compare clients'
# tables (and the kit's) only.
KIT_TABLES = {"outbox", "inbox", "audit_log"}
OWN_TABLES = {getattr(clients.models, n).__tablename__ for n in clients.models.__all__} | KIT_TABLES


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


async def test_the_notes_backstop_hides_private_notes_from_colleagues(
    scratch: ScratchDatabase, admin_db: asyncpg.Connection
) -> None:
    agency, author, colleague = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    client_id = uuid.uuid4()
    now = datetime.now(UTC)
    await admin_db.execute(
        "INSERT INTO clients (id, agency_id, kind, consent_status, birth_date_estimated,"
        " other_names, phones, phone_keys, other_languages, citizenships, target_groups,"
        " version, created_at, created_by, updated_at, updated_by)"
        " VALUES ($1, $2, 'anonymous', 'none', false, '{}', '{}', '{}', '{}', '{}', '{}',"
        " 1, $3, $4, $3, $4)",
        client_id, agency, now, author,
    )  # fmt: skip
    await admin_db.execute(
        "INSERT INTO client_notes (id, agency_id, client_id, author_id, private, body, created_at)"
        " VALUES ($1, $2, $3, $4, true, 'private', $5)",
        uuid.uuid4(), agency, client_id, author, now,
    )  # fmt: skip
    database = Database(scratch.app_url, pool_size=1)
    try:
        for user, role, expected in (
            (author, Role.CASEWORKER, 1),
            (colleague, Role.CASEWORKER, 0),
            (colleague, Role.MANAGER, 1),
        ):
            principal = Principal(user_id=user, agency_id=agency, role=role)
            async with database.transaction(principal) as db:
                assert await db.scalar(text("SELECT count(*) FROM client_notes")) == expected
        async with database.transaction(Principal(colleague, agency, Role.CASEWORKER)) as db:
            with pytest.raises(Exception, match="row-level security"):
                await db.execute(
                    text(
                        "INSERT INTO client_notes (id, agency_id, client_id, author_id, private,"
                        " body, created_at)"
                        " VALUES (:id, :agency, :client, :author, false, 'x', now())"
                    ),
                    {"id": uuid.uuid4(), "agency": agency, "client": client_id, "author": author},
                )
    finally:
        await database.dispose()


async def test_identity_events_are_kept_newest_first_and_idempotently(
    scratch: ScratchDatabase, admin_db: asyncpg.Connection
) -> None:
    agency, user_id, manager_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)

    def user(name: str, at: datetime) -> UserUpdated:
        return UserUpdated(
            agency_id=agency, id=user_id, email="sam@example.org", given_name=name,
            family_name="Worker", role="caseworker", manager_id=manager_id, active=True,
            occurred_at=at,
        )  # fmt: skip

    database = Database(scratch.app_url, pool_size=1)
    try:
        for event in (user("Sam", now), user("Sam", now), user("Old", now - timedelta(hours=1))):
            async with database.transaction(agency_id=agency) as db:
                await on_user_updated(db, event)
        program = ProgramUpdated(agency_id=agency, id=uuid.uuid4(), name="Settlement",
                                 code="SETTLE", active=True)  # fmt: skip
        async with database.transaction(agency_id=agency) as db:
            await on_program_updated(db, program)
    finally:
        await database.dispose()
    rows = await admin_db.fetch(
        "SELECT given_name, manager_id FROM staff_copies WHERE id = $1", user_id
    )
    assert [(r["given_name"], r["manager_id"]) for r in rows] == [("Sam", manager_id)]
    assert await admin_db.fetchval(
        "SELECT name FROM program_copies WHERE agency_id = $1", agency
    ) == ("Settlement")
