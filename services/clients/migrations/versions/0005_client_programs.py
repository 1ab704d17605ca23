"""The programs serving a client: `clients.program_ids`, searched with a GIN index.

Revision ID: 0005_client_programs
Revises: 0004_merges
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0005_client_programs"
down_revision: str | None = "0004_merges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_clients_program_ids"


def upgrade() -> None:
    op.add_column(
        "clients",
        sa.Column(
            "program_ids",
            ARRAY(UUID(as_uuid=True)),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )
    op.create_index(INDEX, "clients", ["program_ids"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="clients")
    op.drop_column("clients", "program_ids")
