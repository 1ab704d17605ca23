"""Attachments, the local copies of clients and service forms, and their row-level
security.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from kit.rls import CURRENT_MANAGES, CURRENT_PROGRAMS, CURRENT_USER_ID, enable_tenant_rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("known_clients", "known_forms", "attachments")


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "known_clients",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("merged_into", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_known_clients"),
    )
    op.create_index("ix_known_clients_agency_id", "known_clients", ["agency_id"])

    op.create_table(
        "known_forms",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("session_id"),
        sa.Column("form_key", sa.String(64), nullable=False),
        _uuid("author_id"),
        _uuid("worker_id"),
        _uuid("program_id"),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("client_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_known_forms"),
    )
    op.create_index("ix_known_forms_agency_id", "known_forms", ["agency_id"])
    op.create_index("ix_known_forms_session_id", "known_forms", ["session_id"])

    op.create_table(
        "attachments",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        _uuid("attached_client_id"),
        _uuid("session_id", nullable=True),
        _uuid("form_id", nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        _uuid("added_by"),
        _at("added_at"),
        _at("deleted_at", nullable=True),
        _uuid("deleted_by", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.UniqueConstraint("object_key", name="uq_attachments_object_key"),
        sa.CheckConstraint("size >= 0", name="ck_attachments_size_positive"),
        sa.CheckConstraint(
            "(session_id IS NULL) = (form_id IS NULL)", name="ck_attachments_form_with_session"
        ),
    )
    op.create_index("ix_attachments_agency_client", "attachments", ["agency_id", "client_id"])
    op.create_index("ix_attachments_form_id", "attachments", ["form_id"])
    op.create_index(
        "ix_attachments_deleted_at",
        "attachments",
        ["deleted_at"],
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )

    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    # A backstop under the application's rule: an attachment on a form is read only by
    # those who may read the form (its author or its session's worker; others in the
    # form's program, and for a private form only the manager of its author or worker).
    # Transactions without a user (the worker's consumer and jobs, which carry the
    # agency only) are not narrowed.
    form_readable = (
        "EXISTS (SELECT 1 FROM known_forms f WHERE f.id = attachments.form_id AND ("
        f"f.author_id = {CURRENT_USER_ID} OR f.worker_id = {CURRENT_USER_ID}"
        f" OR (f.program_id = ANY({CURRENT_PROGRAMS}) AND (NOT f.private"
        f" OR f.author_id = ANY({CURRENT_MANAGES}) OR f.worker_id = ANY({CURRENT_MANAGES})))))"
    )
    readable = (
        f"{CURRENT_USER_ID} IS NULL OR form_id IS NULL OR {form_readable}"
    )
    op.execute(
        "CREATE POLICY attachment_readers ON attachments AS RESTRICTIVE FOR SELECT"
        f" USING ({readable})"
    )


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
