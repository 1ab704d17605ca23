"""Merges: a status on profiles (`merged`, `merged_into`) and the merge records.

Revision ID: 0004_merges
Revises: 0003_profile_questions
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.rls import CURRENT_PROGRAMS, CURRENT_ROLE, CURRENT_USER_ID, disable_tenant_rls, enable_tenant_rls

revision: str = "0004_merges"
down_revision: str | None = "0003_profile_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "client_merges"
# Set (transaction-local) by the merges service only while it moves a profile's rows.
MERGING = "NULLIF(current_setting('app.client_merge', true), '') = 'on'"


def _note_readers(extra: str = "") -> str:
    return (
        f"author_id = {CURRENT_USER_ID}"
        f" OR (NOT private AND (program_id IS NULL OR program_id = ANY({CURRENT_PROGRAMS})))"
        f" OR (private AND {CURRENT_ROLE} IN ('manager', 'agency_admin'))" + extra
    )


def _replace_note_readers(readable: str) -> None:
    op.execute("DROP POLICY note_readers ON client_notes")
    op.execute(
        "CREATE POLICY note_readers ON client_notes AS RESTRICTIVE FOR SELECT"
        f" USING ({readable})"
    )


def upgrade() -> None:
    op.add_column(
        "clients",
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    )
    op.add_column("clients", sa.Column("merged_into", UUID(as_uuid=True), nullable=True))
    op.create_check_constraint(
        "ck_clients_status_known", "clients", "status IN ('active', 'merged')"
    )

    op.create_table(
        TABLE,
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.Column("survivor_id", UUID(as_uuid=True), nullable=False),
        sa.Column("absorbed_id", UUID(as_uuid=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("choices", JSONB(), nullable=False),
        sa.Column("provenance", JSONB(), nullable=False),
        sa.Column("survivor_before", JSONB(), nullable=False),
        sa.Column("absorbed_before", JSONB(), nullable=False),
        sa.Column("answers_before", JSONB(), nullable=False),
        sa.Column("moved", JSONB(), nullable=False),
        sa.Column("survivor_version", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", UUID(as_uuid=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", UUID(as_uuid=True), nullable=True),
        sa.Column("undo_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_client_merges"),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["clients.id"],
            name="fk_client_merges_survivor_id_clients",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["absorbed_id"],
            ["clients.id"],
            name="fk_client_merges_absorbed_id_clients",
            ondelete="CASCADE",
        ),
    )
    for column in ("agency_id", "survivor_id", "absorbed_id"):
        op.create_index(f"ix_{TABLE}_{column}", TABLE, [column])
    enable_tenant_rls(op, TABLE)
    # Notes follow the survivor: a merge moves every note of the absorbed profile,
    # including program notes of programs the manager/admin is not in.
    _replace_note_readers(_note_readers(f" OR ({MERGING} AND {CURRENT_ROLE} IN ('manager', 'agency_admin'))"))


def downgrade() -> None:
    _replace_note_readers(_note_readers())
    disable_tenant_rls(op, TABLE)
    op.drop_table(TABLE)
    op.drop_constraint("ck_clients_status_known", "clients", type_="check")
    op.drop_column("clients", "merged_into")
    op.drop_column("clients", "status")
