"""A service's first revision: the kit's tables.

Revision ID: 0001
Revises:
"""

from alembic import op

from kit.migrations import (
    create_audit_table,
    create_messaging_tables,
    drop_audit_table,
    drop_messaging_tables,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    create_audit_table(op)


def downgrade() -> None:
    drop_audit_table(op)
    drop_messaging_tables(op)
