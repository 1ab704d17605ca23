"""The hours attended of each attendance mark (`rpt_attendance`), for the course
attendance report's "Hours attended".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rpt_attendance", sa.Column("hours_attended", sa.Numeric(4, 2)))


def downgrade() -> None:
    op.drop_column("rpt_attendance", "hours_attended")
