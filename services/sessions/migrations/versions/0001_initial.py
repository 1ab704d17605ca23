"""Sessions and service forms, their row-level security, and the kit's outbox, inbox
and audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from kit.migrations import (
    create_audit_table,
    create_messaging_tables,
    drop_audit_table,
    drop_messaging_tables,
)
from kit.rls import CURRENT_PROGRAMS, CURRENT_ROLE, CURRENT_USER_ID, enable_tenant_rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("session_records", "service_forms")


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables(op)
    create_audit_table(op)

    op.create_table(
        "session_records",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("postal_code", sa.String(6), nullable=True),
        sa.Column("delivery_mode", sa.String(16), nullable=False),
        sa.Column("language_of_service", sa.String(100), nullable=False),
        _uuid("worker_id"),
        _uuid("program_id"),
        sa.Column("funders", JSONB(), nullable=False),
        sa.Column("client_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_session_records"),
        sa.CheckConstraint(
            "delivery_mode IN ('in_person', 'phone', 'email', 'online')",
            name="ck_session_records_delivery_mode_known",
        ),
        sa.CheckConstraint("end_time >= start_time", name="ck_session_records_time_order"),
        sa.CheckConstraint(
            "postal_code IS NULL OR postal_code ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$'",
            name="ck_session_records_postal_code_format",
        ),
    )
    op.create_index("ix_session_records_agency_id", "session_records", ["agency_id"])
    op.create_index("ix_session_records_program_id", "session_records", ["program_id"])
    op.create_index(
        "ix_session_records_client_ids", "session_records", ["client_ids"], postgresql_using="gin"
    )
    op.create_index("ix_session_records_agency_date", "session_records", ["agency_id", "date"])

    op.create_table(
        "service_forms",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("session_id"),
        sa.Column("form_key", sa.String(64), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        sa.Column("answers", JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _uuid("author_id"),
        sa.Column("private", sa.Boolean(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _at("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_service_forms"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_records.id"],
            name="fk_service_forms_session_id_session_records",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'completed')", name="ck_service_forms_status_known"
        ),
    )
    op.create_index("ix_service_forms_agency_id", "service_forms", ["agency_id"])
    op.create_index("ix_service_forms_session_id", "service_forms", ["session_id"])

    _row_level_security()


def _row_level_security() -> None:
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    # Beyond the agency, a backstop for who reads and writes sessions. Restrictive, so it
    # narrows `tenant_isolation`. The exact private rule (the author and the author's
    # manager, from the token's `manages`) is the application's; the database only
    # knows the role, so any manager/admin of the session's program passes here.
    readable = (
        f"worker_id = {CURRENT_USER_ID}"
        f" OR (program_id = ANY({CURRENT_PROGRAMS})"
        f" AND (NOT private OR {CURRENT_ROLE} IN ('manager', 'agency_admin')))"
    )
    op.execute(
        "CREATE POLICY session_readers ON session_records AS RESTRICTIVE FOR SELECT"
        f" USING ({readable})"
    )
    # A session is written in its author's name, in one of the author's programs.
    op.execute(
        "CREATE POLICY session_author ON session_records AS RESTRICTIVE FOR INSERT"
        f" WITH CHECK (worker_id = {CURRENT_USER_ID} AND program_id = ANY({CURRENT_PROGRAMS}))"
    )
    # A form is seen with its session (the subquery is itself under the policies above).
    with_session = "EXISTS (SELECT 1 FROM session_records s WHERE s.id = service_forms.session_id)"
    op.execute(
        "CREATE POLICY form_readers ON service_forms AS RESTRICTIVE FOR SELECT"
        f" USING ({with_session})"
    )
    op.execute(
        "CREATE POLICY form_author ON service_forms AS RESTRICTIVE FOR INSERT"
        f" WITH CHECK (author_id = {CURRENT_USER_ID} AND {with_session})"
    )


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
    drop_audit_table(op)
    drop_messaging_tables(op)
