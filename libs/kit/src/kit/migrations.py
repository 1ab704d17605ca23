"""Alembic support every service shares: the `env.py` runner and the kit's own tables.

A service's `migrations/env.py` is two lines:

    from kit.migrations import run_alembic_env
    from <service>.models import Base  # the models import kit.db.Base
    run_alembic_env(Base.metadata)

and its first revision calls `create_messaging_tables(op)` and `create_audit_table(op)`.
Migrations run as a separate step with the owner role (`OCMS_MIGRATION_DATABASE_URL`),
never at service start, never as the application role.

The DDL here is written out rather than derived from the ORM models: a migration must
keep producing the same schema after the models move on. A kit change to these tables
comes as a new helper (e.g. `upgrade_messaging_tables_v2`), and a test checks that the
helpers and the models agree.
"""

import asyncio
import os
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from kit.rls import CURRENT_AGENCY, AlembicOp, create_policy, force_rls, scope_in, scope_is

MIGRATION_URL_ENV = "OCMS_MIGRATION_DATABASE_URL"


def _migration_url() -> str:
    from alembic import context

    url = os.environ.get(MIGRATION_URL_ENV) or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(f"Set {MIGRATION_URL_ENV} (the owner role's URL) to run migrations")
    return url


def run_alembic_env(target_metadata: sa.MetaData) -> None:
    """The body of every service's `env.py`: offline (`--sql`) or online with asyncpg.

    A caller that already holds a connection (tests) passes it as
    `config.attributes["connection"]`; it is used as is.
    """
    from alembic import context

    if context.is_offline_mode():
        context.configure(
            url=_migration_url(),
            target_metadata=target_metadata,
            compare_type=True,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        run(given)
        return

    async def run_online() -> None:
        engine = create_async_engine(_migration_url(), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
        finally:
            await engine.dispose()

    asyncio.run(run_online())


def _uuid() -> UUID[uuid.UUID]:
    return UUID(as_uuid=True)


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_messaging_tables(op: AlembicOp) -> None:
    """Outbox (with its NOTIFY trigger) and inbox, as `kit.messaging` expects them (v1)."""
    op.create_table(
        "outbox",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("routing_key", sa.Text(), nullable=False),
        sa.Column("payload", JSONB(), nullable=False),
        sa.Column("headers", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("created_at", _timestamp(), server_default=sa.func.now(), nullable=False),
        sa.Column("published_at", _timestamp(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_pending", "outbox", ["seq"], postgresql_where=sa.text("published_at IS NULL")
    )
    op.create_index(
        "ix_outbox_published_at",
        "outbox",
        ["published_at"],
        postgresql_where=sa.text("published_at IS NOT NULL"),
    )
    # Statement-level: one notification per inserting statement, and PostgreSQL folds
    # identical notifications of one transaction into one, delivered at commit.
    op.execute(
        "CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()"
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", _uuid(), nullable=False),
        sa.Column("processed_at", _timestamp(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def drop_messaging_tables(op: AlembicOp) -> None:
    op.drop_table("inbox")
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.drop_table("outbox")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")


def create_audit_table(op: AlembicOp, *, admit_scopes: Sequence[str] = ()) -> None:
    """`audit_log`, append-only by trigger, under forced row-level security (v1).

    An agency sees and writes its own entries. The `auth` scope (sign-in, before any
    agency is known) may write entries for any agency or none, and reads only the
    entries that have no agency. `admit_scopes` adds scopes that read and write all
    (e.g. `("platform",)`).
    """
    op.create_table(
        "audit_log",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("agency_id", _uuid(), nullable=True),
        sa.Column("actor_id", _uuid(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity_type", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("at", _timestamp(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_agency_at", "audit_log", ["agency_id", "at"])
    op.create_index("ix_audit_log_entity", "audit_log", ["entity_type", "entity_id"])
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN"
        " RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';"
        " END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )
    force_rls(op, "audit_log")
    admitted = f" OR {scope_in(admit_scopes)}" if admit_scopes else ""
    own = f"agency_id = {CURRENT_AGENCY}"
    # UPDATE and DELETE see the agency's own rows too, so the trigger answers them
    # with an error instead of a silent "0 rows".
    create_policy(
        op,
        "audit_log",
        "audit_visibility",
        using_sql=f"{own} OR (agency_id IS NULL AND {scope_is('auth')}){admitted}",
        check_sql=f"{own} OR {scope_is('auth')}{admitted}",
    )


def drop_audit_table(op: AlembicOp) -> None:
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
