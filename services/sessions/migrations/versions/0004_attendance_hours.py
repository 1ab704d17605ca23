"""The Attendance form's "Hours attended", per mark.

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
    op.add_column("course_attendance", sa.Column("hours_attended", sa.Numeric(4, 2)))


def downgrade() -> None:
    op.drop_column("course_attendance", "hours_attended")
