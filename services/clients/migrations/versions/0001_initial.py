"""Clients' tables, their row-level security, and the kit's outbox, inbox and audit log.

Revision ID: 0001
Revises:
Create Date: 2026-01-12
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

TENANT_TABLES = (
    "staff_copies",
    "program_copies",
    "clients",
    "client_consents",
    "family_links",
    "client_changes",
    "client_notes",
    "settlement_plans",
    "plan_entries",
)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None) -> sa.Column[object]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=True)


def _texts(name: str) -> sa.Column[object]:
    return sa.Column(name, ARRAY(sa.Text()), nullable=False)


def _client_fk(table: str, column: str = "client_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["clients.id"], name=f"fk_{table}_{column}_clients", ondelete="CASCADE"
    )


def upgrade() -> None:
    create_messaging_tables(op)
    create_audit_table(op)

    # Local copies of identity's staff and programs (names and manager links only).
    op.create_table(
        "staff_copies",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        _uuid("manager_id", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_copies"),
    )
    op.create_index("ix_staff_copies_agency_id", "staff_copies", ["agency_id"])
    op.create_table(
        "program_copies",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_program_copies"),
    )
    op.create_index("ix_program_copies_agency_id", "program_copies", ["agency_id"])

    op.create_table(
        "clients",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("consent_status", sa.String(16), nullable=False),
        _text("consent_statement_version", 40),
        _text("consent_language", 100),
        _at("consent_given_at", nullable=True),
        _uuid("consent_given_by", nullable=True),
        _at("consent_withdrawn_at", nullable=True),
        _uuid("consent_withdrawn_by", nullable=True),
        _text("research_consent", 16),
        _text("identifier_type", 100),
        _text("identifier_value", 40),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_date_estimated", sa.Boolean(), nullable=False),
        _text("given_name", 100),
        _text("family_name", 100),
        _text("preferred_name", 100),
        _texts("other_names"),
        _text("gender", 100),
        _texts("phones"),
        _texts("phone_keys"),
        sa.Column("has_email", sa.Boolean(), nullable=True),
        _text("email", 320),
        _text("street_number", 20),
        _text("street_name", 100),
        _text("street_type", 100),
        _text("street_direction", 100),
        _text("unit", 20),
        _text("city", 100),
        _text("province", 100),
        _text("postal_code", 6),
        _text("official_language", 100),
        _texts("other_languages"),
        _text("country_of_birth", 100),
        _texts("citizenships"),
        _text("immigration_status", 200),
        _text("immigration_category", 200),
        sa.Column("arrival_date", sa.Date(), nullable=True),
        sa.Column("landing_date", sa.Date(), nullable=True),
        _text("education_level", 200),
        _text("employment_status", 200),
        _text("marital_status", 100),
        _texts("target_groups"),
        _text("age_range", 16),
        _text("postal_area", 3),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _uuid("created_by"),
        _at("updated_at"),
        _uuid("updated_by"),
        sa.PrimaryKeyConstraint("id", name="pk_clients"),
        sa.CheckConstraint("kind IN ('named', 'anonymous')", name="ck_clients_kind_known"),
        sa.CheckConstraint(
            "consent_status IN ('given', 'withdrawn', 'none')", name="ck_clients_consent_known"
        ),
    )
    op.create_index(
        "uq_clients_agency_identifier",
        "clients",
        ["agency_id", "identifier_type", "identifier_value"],
        unique=True,
    )
    op.create_index("ix_clients_phone_keys", "clients", ["phone_keys"], postgresql_using="gin")
    op.create_index("ix_clients_agency_birth_date", "clients", ["agency_id", "birth_date"])
    op.create_index("ix_clients_agency_created_at", "clients", ["agency_id", "created_at"])

    op.create_table(
        "client_consents",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        sa.Column("action", sa.String(16), nullable=False),
        _text("statement_version", 40),
        _text("language", 100),
        _at("at"),
        _uuid("by"),
        sa.PrimaryKeyConstraint("id", name="pk_client_consents"),
        _client_fk("client_consents"),
    )
    op.create_index("ix_client_consents_agency_id", "client_consents", ["agency_id"])
    op.create_index("ix_client_consents_client_id", "client_consents", ["client_id"])

    op.create_table(
        "family_links",
        _uuid("client_id"),
        _uuid("related_client_id"),
        _uuid("agency_id"),
        sa.Column("relationship", sa.String(32), nullable=False),
        _at("created_at"),
        _uuid("created_by"),
        sa.PrimaryKeyConstraint("client_id", "related_client_id", name="pk_family_links"),
        _client_fk("family_links"),
        _client_fk("family_links", "related_client_id"),
    )
    op.create_index("ix_family_links_agency_id", "family_links", ["agency_id"])
    op.create_index("ix_family_links_related_client_id", "family_links", ["related_client_id"])

    op.create_table(
        "client_changes",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        sa.Column("action", sa.String(32), nullable=False),
        _texts("fields"),
        _uuid("actor_id"),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name="pk_client_changes"),
        _client_fk("client_changes"),
    )
    op.create_index("ix_client_changes_agency_id", "client_changes", ["agency_id"])
    op.create_index("ix_client_changes_client_id", "client_changes", ["client_id"])

    op.create_table(
        "client_notes",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        _uuid("author_id"),
        _uuid("program_id", nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_client_notes"),
        _client_fk("client_notes"),
    )
    op.create_index("ix_client_notes_agency_id", "client_notes", ["agency_id"])
    op.create_index("ix_client_notes_client_id", "client_notes", ["client_id"])

    op.create_table(
        "settlement_plans",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        _uuid("program_id", nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("goals", JSONB(), nullable=False),
        sa.Column("next_follow_up_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _uuid("created_by"),
        _at("updated_at"),
        _uuid("updated_by"),
        sa.PrimaryKeyConstraint("id", name="pk_settlement_plans"),
        _client_fk("settlement_plans"),
    )
    op.create_index("ix_settlement_plans_agency_id", "settlement_plans", ["agency_id"])
    op.create_index("ix_settlement_plans_client_id", "settlement_plans", ["client_id"])
    op.create_index(
        "ix_settlement_plans_next_follow_up_on", "settlement_plans", ["next_follow_up_on"]
    )

    op.create_table(
        "plan_entries",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("plan_id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _text("progress", 32),
        sa.Column("next_follow_up_on", sa.Date(), nullable=True),
        _uuid("author_id"),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_entries"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["settlement_plans.id"],
            name="fk_plan_entries_plan_id_settlement_plans",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_plan_entries_agency_id", "plan_entries", ["agency_id"])
    op.create_index("ix_plan_entries_plan_id", "plan_entries", ["plan_id"])

    _row_level_security()


def _row_level_security() -> None:
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    # Notes: beyond the agency, a backstop for who reads and writes them. Restrictive,
    # so it narrows `tenant_isolation`. The exact rule (a private note: its author and
    # the author's manager, from the token's `manages`) is the application's; the
    # database only knows the role, so any manager/admin passes here.
    readable = (
        f"author_id = {CURRENT_USER_ID}"
        f" OR (NOT private AND (program_id IS NULL OR program_id = ANY({CURRENT_PROGRAMS})))"
        f" OR (private AND {CURRENT_ROLE} IN ('manager', 'agency_admin'))"
    )
    op.execute(f"CREATE POLICY note_readers ON client_notes AS RESTRICTIVE FOR SELECT USING ({readable})")
    # A note is written in its author's name only.
    op.execute(
        "CREATE POLICY note_author ON client_notes AS RESTRICTIVE FOR INSERT"
        f" WITH CHECK (author_id = {CURRENT_USER_ID})"
    )


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
    drop_audit_table(op)
    drop_messaging_tables(op)
