"""Tasks in the read model (`rpt_tasks`, from referrals' `referrals.task.created/updated.v1`)
for the "tasks overdue by worker" report; row-level security like every `rpt_*` table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "rpt_tasks",
        _uuid("id"), _uuid("agency_id"), _uuid("client_id"), _uuid("form_id", nullable=True),
        _uuid("session_id", nullable=True), _uuid("assignee_id"), _uuid("created_by"),
        _uuid("program_id", nullable=True), sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_tasks"),
    )  # fmt: skip
    op.create_index("ix_rpt_tasks_agency_created", "rpt_tasks", ["agency_id", "created_on"])
    op.create_index("ix_rpt_tasks_agency_assignee", "rpt_tasks", ["agency_id", "assignee_id"])
    enable_tenant_rls(op, "rpt_tasks")


def downgrade() -> None:
    disable_tenant_rls(op, "rpt_tasks")
    op.drop_table("rpt_tasks")
