"""Agency-specific questions on the client profile: question set versions and answers.

Revision ID: 0003_profile_questions
Revises: 0002_name_keys
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0003_profile_questions"
down_revision: str | None = "0002_name_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("client_question_sets", "client_answers")


def upgrade() -> None:
    op.create_table(
        "client_question_sets",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSONB(), nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_client_question_sets"),
        sa.UniqueConstraint(
            "agency_id",
            "target",
            "version",
            name="uq_client_question_sets_agency_id_target_version",
        ),
    )
    op.create_index("ix_client_question_sets_agency_id", "client_question_sets", ["agency_id"])

    op.create_table(
        "client_answers",
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.Column("set_version", sa.Integer(), nullable=False),
        sa.Column("answers", JSONB(), nullable=False),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "target", name="pk_client_answers"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_client_answers_client_id_clients",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_client_answers_agency_id", "client_answers", ["agency_id"])

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
        op.drop_table(table)
