"""Reporting' first tables: the kit's outbox, inbox and audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

from kit.migrations import (
    create_audit_table,
    create_messaging_tables,
    drop_audit_table,
    drop_messaging_tables,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables(op)
    create_audit_table(op)


def downgrade() -> None:
    drop_audit_table(op)
    drop_messaging_tables(op)
