"""Tasks publish their events (`referrals.task.created/updated.v1`): a `version` bumped by
every change (the events' order for consumers) and the time a task was cancelled.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tasks", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("tasks", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    # A task cancelled before this revision: its last change is the best time known.
    op.execute("UPDATE tasks SET cancelled_at = updated_at WHERE status = 'cancelled'")


def downgrade() -> None:
    op.drop_column("tasks", "cancelled_at")
    op.drop_column("tasks", "version")
