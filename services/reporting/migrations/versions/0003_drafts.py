"""Draft service forms in the read model: `rpt_services.status` ('draft' | 'completed').

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "rpt_services",
        sa.Column("status", sa.String(16), server_default="completed", nullable=False),
    )
    op.create_check_constraint(
        "ck_rpt_services_status_known", "rpt_services", "status IN ('draft', 'completed')"
    )
    # Open drafts are few beside completed forms: their own small index.
    op.create_index(
        "ix_rpt_services_agency_drafts",
        "rpt_services",
        ["agency_id", "service_date"],
        postgresql_where=sa.text("status = 'draft'"),
    )


def downgrade() -> None:
    op.drop_index("ix_rpt_services_agency_drafts", table_name="rpt_services")
    op.drop_constraint("ck_rpt_services_status_known", "rpt_services")
    op.drop_column("rpt_services", "status")
