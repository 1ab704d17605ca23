"""Row-level security and the audit trail, as the application role sees them."""

import uuid

import asyncpg
import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import DBAPIError

from kit.audit import record_audit
from kit.auth import Principal, Role
from kit.db import Database, Scope
from kit.requestctx import bound_request_id

pytestmark = pytest.mark.integration

A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def items(admin: asyncpg.Connection) -> None:
    await admin.executemany(
        "INSERT INTO kit_items (id, agency_id, name) VALUES ($1, $2, $3)",
        [(uuid.uuid4(), A, "a1"), (uuid.uuid4(), A, "a2"), (uuid.uuid4(), B, "b1")],
    )


async def agencies_seen(database: Database, **context: object) -> list[uuid.UUID]:
    async with database.transaction(**context) as db:  # type: ignore[arg-type]
        rows = await db.execute(text("SELECT agency_id FROM kit_items ORDER BY name"))
        return [r[0] for r in rows]


async def test_agency_context_sees_only_its_rows(database: Database, items: None) -> None:
    assert await agencies_seen(database, agency_id=A) == [A, A]
    assert await agencies_seen(database, agency_id=B) == [B]
    principal = Principal(user_id=uuid.uuid4(), agency_id=B, role=Role.CASEWORKER)
    assert await agencies_seen(database, principal=principal) == [B]


async def test_the_context_names_the_programs_and_the_managed_workers(
    database: Database,
) -> None:
    programs, managed = {uuid.uuid4(), uuid.uuid4()}, {uuid.uuid4()}
    principal = Principal(
        user_id=uuid.uuid4(), agency_id=A, role=Role.MANAGER,
        programs=frozenset(programs), manages=frozenset(managed),
    )  # fmt: skip
    async with database.transaction(principal) as db:
        row = (
            await db.execute(
                text(
                    "SELECT string_to_array(current_setting('app.programs'), ',')::uuid[],"
                    " string_to_array(current_setting('app.manages'), ',')::uuid[]"
                )
            )
        ).one()
    assert (set(row[0]), set(row[1])) == (programs, managed)
    async with database.transaction(agency_id=A) as db:
        nobody = await db.execute(text("SELECT current_setting('app.manages')"))
        assert nobody.scalar() == ""


async def test_no_context_sees_nothing(database: Database, items: None) -> None:
    assert await agencies_seen(database) == []
    async with database.engine.connect() as conn:  # not even outside kit.db.transaction
        assert (await conn.execute(text("SELECT count(*) FROM kit_items"))).scalar() == 0


async def test_admitted_scope_sees_all_and_others_do_not(database: Database, items: None) -> None:
    assert sorted(map(str, await agencies_seen(database, scope=Scope.PLATFORM))) == sorted(
        map(str, [A, A, B])
    )
    assert await agencies_seen(database, scope=Scope.AUTH) == []  # not admitted on this table


async def test_writing_another_agencys_row_is_refused(database: Database) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.transaction(agency_id=A) as db:
            await db.execute(
                text("INSERT INTO kit_items (id, agency_id, name) VALUES (:id, :agency, 'x')"),
                {"id": uuid.uuid4(), "agency": B},
            )


async def test_rows_of_another_agency_cannot_be_changed(
    database: Database, admin: asyncpg.Connection, items: None
) -> None:
    async with database.transaction(agency_id=A) as db:
        changed = await db.execute(text("UPDATE kit_items SET name = 'stolen'"))
        assert isinstance(changed, CursorResult)
        assert changed.rowcount == 2  # A's rows only
    assert await admin.fetchval("SELECT name FROM kit_items WHERE agency_id = $1", B) == "b1"


async def test_custom_policy_shows_a_partnership_to_both_agencies(
    database: Database, admin: asyncpg.Connection
) -> None:
    await admin.execute("INSERT INTO kit_partnerships VALUES ($1, $2, $3)", uuid.uuid4(), A, B)
    for agency, expected in ((A, 1), (B, 1), (C, 0)):
        async with database.transaction(agency_id=agency) as db:
            assert (await db.execute(text("SELECT count(*) FROM kit_partnerships"))).scalar() == (
                expected
            )


async def test_audit_entries_are_recorded_per_agency(database: Database) -> None:
    actor = uuid.uuid4()
    entity = uuid.uuid4()
    with bound_request_id("req-audit"):
        async with database.transaction(agency_id=A) as db:
            await record_audit(
                db,
                action="client.viewed",
                agency_id=A,
                actor_id=actor,
                entity_type="client",
                entity_id=entity,
                reason="follow-up call",
                detail={"fields": ["phone"]},
            )
    async with database.transaction(agency_id=A) as db:
        row = (
            await db.execute(
                text(
                    "SELECT actor_id, action, entity_id, reason, detail, request_id, at"
                    " FROM audit_log WHERE entity_id = :e"
                ),
                {"e": str(entity)},
            )
        ).one()
    assert row.actor_id == actor and row.action == "client.viewed"
    assert row.reason == "follow-up call" and row.detail == {"fields": ["phone"]}
    assert row.request_id == "req-audit" and row.at is not None
    async with database.transaction(agency_id=B) as db:
        seen = await db.execute(
            text("SELECT count(*) FROM audit_log WHERE entity_id = :e"), {"e": str(entity)}
        )
        assert seen.scalar() == 0


async def test_sign_in_scope_writes_entries_with_and_without_agency(database: Database) -> None:
    marker = uuid.uuid4().hex
    async with database.transaction(scope=Scope.AUTH) as db:
        await record_audit(
            db,
            action="auth.login.failed",
            agency_id=None,
            actor_id=None,
            entity_type="user",
            detail={"marker": marker},
        )
        await record_audit(
            db,
            action="auth.login.succeeded",
            agency_id=A,
            actor_id=uuid.uuid4(),
            entity_type="user",
            detail={"marker": marker},
        )
    query = text("SELECT action FROM audit_log WHERE detail->>'marker' = :m ORDER BY action")
    async with database.transaction(scope=Scope.AUTH) as db:
        # The auth scope reads back only what has no agency.
        assert (await db.execute(query, {"m": marker})).scalars().all() == ["auth.login.failed"]
    async with database.transaction(agency_id=A) as db:
        assert (await db.execute(query, {"m": marker})).scalars().all() == ["auth.login.succeeded"]
    async with database.transaction(scope=Scope.PLATFORM) as db:  # admitted in this schema
        assert len((await db.execute(query, {"m": marker})).scalars().all()) == 2
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.transaction(agency_id=A) as db:  # a tenant cannot forge for B
            await record_audit(
                db, action="client.viewed", agency_id=B, actor_id=None, entity_type="client"
            )


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"]
)
async def test_audit_entries_cannot_be_changed_by_the_app(
    database: Database, statement: str
) -> None:
    async with database.transaction(agency_id=A) as db:
        await record_audit(
            db, action="client.viewed", agency_id=A, actor_id=None, entity_type="client"
        )
    with pytest.raises(DBAPIError, match="append-only"):
        async with database.transaction(agency_id=A) as db:
            await db.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
async def test_audit_entries_cannot_be_changed_even_by_a_superuser(
    database: Database, admin: asyncpg.Connection, statement: str
) -> None:
    async with database.transaction(agency_id=A) as db:
        await record_audit(
            db, action="client.viewed", agency_id=A, actor_id=None, entity_type="client"
        )
    before = await admin.fetchval("SELECT count(*) FROM audit_log")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await admin.execute(statement)
    assert await admin.fetchval("SELECT count(*) FROM audit_log") == before
