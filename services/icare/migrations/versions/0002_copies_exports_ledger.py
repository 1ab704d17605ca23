"""icare's local copies (agencies, staff, programs, funding agreements, clients,
services), export runs, the ledger and the monthly schedule, all under row-level
security.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows carry `agency_id`.
TENANT_TABLES = (
    "icare_staff",
    "icare_programs",
    "icare_funding_agreements",
    "icare_clients",
    "icare_services",
    "icare_exports",
    "icare_ledger",
)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "icare_agencies",
        _uuid("id"),
        _text("name", 200),
        _text("code", 32),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_agencies"),
    )
    op.create_table(
        "icare_staff",
        _uuid("id"),
        _uuid("agency_id"),
        _text("given_name", 100),
        _text("family_name", 100),
        _text("email", 320),
        _text("role", 32),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_staff"),
    )
    op.create_index("ix_icare_staff_agency_id", "icare_staff", ["agency_id"])
    op.create_table(
        "icare_programs",
        _uuid("id"),
        _uuid("agency_id"),
        _text("name", 200),
        _text("code", 32),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_programs"),
    )
    op.create_index("ix_icare_programs_agency_id", "icare_programs", ["agency_id"])
    op.create_table(
        "icare_funding_agreements",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("funder_id"),
        _text("funder_code", 32),
        _text("funder_name", 200),
        _text("agreement_number", 64),
        _text("title", 200),
        sa.Column("program_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_funding_agreements"),
    )
    op.create_index(
        "ix_icare_funding_agreements_agency_id", "icare_funding_agreements", ["agency_id"]
    )
    op.create_table(
        "icare_clients",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("profile", JSONB(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _uuid("merged_into", nullable=True),
        _uuid("merge_id", nullable=True),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_clients"),
    )
    op.create_index("ix_icare_clients_agency_id", "icare_clients", ["agency_id"])
    op.create_table(
        "icare_services",
        _uuid("id"),
        _uuid("agency_id"),
        _text("kind", 32),
        _text("template", 64),
        _text("form_key", 64),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        _uuid("session_id", nullable=True),
        sa.Column("session", JSONB(), nullable=False),
        sa.Column("answers", JSONB(), nullable=False),
        _uuid("client_id", nullable=True),
        _uuid("worker_id"),
        _uuid("program_id"),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_services"),
    )
    op.create_index("ix_icare_services_agency_id", "icare_services", ["agency_id"])
    op.create_index("ix_icare_services_client_id", "icare_services", ["client_id"])
    op.create_index(
        "ix_icare_services_agency_date", "icare_services", ["agency_id", "service_date"]
    )
    op.create_table(
        "icare_exports",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("funding_agreement_id"),
        _text("period", 7),
        _text("trigger", 16),
        _text("status", 16),
        _uuid("requested_by", nullable=True),
        _at("created_at"),
        _at("completed_at", nullable=True),
        _text("object_key", 300, nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("files", JSONB(), nullable=False),
        sa.Column("summary", JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_icare_exports"),
        sa.CheckConstraint(
            "trigger IN ('manual', 'scheduled')", name="ck_icare_exports_trigger_known"
        ),
        sa.CheckConstraint("period ~ '^[0-9]{4}-[0-9]{2}$'", name="ck_icare_exports_period"),
    )
    op.create_index(
        "ix_icare_exports_agency_created", "icare_exports", ["agency_id", "created_at"]
    )
    op.create_index(
        "uq_icare_exports_scheduled",
        "icare_exports",
        ["agency_id", "funding_agreement_id", "period"],
        unique=True,
        postgresql_where=sa.text("trigger = 'scheduled'"),
    )
    op.create_table(
        "icare_ledger",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("export_id"),
        _uuid("funding_agreement_id"),
        _text("period", 7),
        _text("template", 64),
        _text("record_kind", 32),
        _uuid("record_id"),
        sa.Column("record_version", sa.Integer(), nullable=False),
        _uuid("client_id", nullable=True),
        _uuid("worker_id", nullable=True),
        _text("content_hash", 64),
        sa.Column("cells", JSONB(), nullable=False),
        _text("file_name", 200),
        sa.Column("row_number", sa.Integer(), nullable=False),
        _text("action", 16),
        _text("update_reason", 64, nullable=True),
        _text("icare_record_id", 64, nullable=True),
        _text("status", 16),
        sa.Column("message", sa.Text(), nullable=True),
        _at("status_at"),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_icare_ledger"),
        sa.ForeignKeyConstraint(
            ["export_id"], ["icare_exports.id"], name="fk_icare_ledger_export_id_icare_exports"
        ),
        sa.CheckConstraint("action IN ('new', 'update')", name="ck_icare_ledger_action_known"),
        sa.CheckConstraint(
            "status IN ('sent', 'accepted', 'rejected')", name="ck_icare_ledger_status_known"
        ),
    )
    op.create_index(
        "ix_icare_ledger_record", "icare_ledger", ["agency_id", "template", "record_id", "created_at"]
    )
    op.create_index("ix_icare_ledger_export", "icare_ledger", ["export_id"])
    op.create_index(
        "ix_icare_ledger_icare_id", "icare_ledger", ["agency_id", "template", "icare_record_id"]
    )
    op.create_table(
        "icare_export_schedules",
        _uuid("agency_id"),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _uuid("updated_by"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("agency_id", name="pk_icare_export_schedules"),
        sa.CheckConstraint("day BETWEEN 1 AND 28", name="ck_icare_export_schedules_day"),
    )

    enable_tenant_rls(op, "icare_agencies", column="id")
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    # The scheduler lists every agency's schedule (under the `platform` scope), then works
    # one agency at a time in that agency's own context.
    enable_tenant_rls(op, "icare_export_schedules", admit_scopes=("platform",))


def downgrade() -> None:
    for table in ("icare_export_schedules", "icare_ledger", *reversed(TENANT_TABLES[:-1])):
        disable_tenant_rls(op, table)
        op.drop_table(table)
    disable_tenant_rls(op, "icare_agencies")
    op.drop_table("icare_agencies")
