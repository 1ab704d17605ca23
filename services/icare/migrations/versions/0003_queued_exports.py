"""Exports run in the worker: an export is recorded `queued` by the request, claimed by
a worker (`running`, `claimed_at`, `attempts`), then `completed` or `failed` (with a
reason). The worker claims across agencies under the `platform` scope; the one
scheduled export per agency, agreement and month no longer counts a failed one (the
schedule tries again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kit.rls import create_policy, scope_is

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "icare_exports", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "icare_exports",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("icare_exports", sa.Column("failure", sa.Text(), nullable=True))
    op.create_check_constraint(
        "ck_icare_exports_status_known",
        "icare_exports",
        "status IN ('queued', 'running', 'completed', 'failed')",
    )
    op.create_index(
        "ix_icare_exports_pending",
        "icare_exports",
        ["created_at"],
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.drop_index("uq_icare_exports_scheduled", table_name="icare_exports")
    op.create_index(
        "uq_icare_exports_scheduled",
        "icare_exports",
        ["agency_id", "funding_agreement_id", "period"],
        unique=True,
        postgresql_where=sa.text("trigger = 'scheduled' AND status <> 'failed'"),
    )
    # The worker finds and claims queued exports of every agency; it then builds each in
    # that agency's own context.
    create_policy(op, "icare_exports", "worker_reads", scope_is("platform"), command="SELECT")
    create_policy(op, "icare_exports", "worker_claims", scope_is("platform"), command="UPDATE")


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS worker_claims ON icare_exports")
    op.execute("DROP POLICY IF EXISTS worker_reads ON icare_exports")
    op.drop_index("uq_icare_exports_scheduled", table_name="icare_exports")
    op.create_index(
        "uq_icare_exports_scheduled",
        "icare_exports",
        ["agency_id", "funding_agreement_id", "period"],
        unique=True,
        postgresql_where=sa.text("trigger = 'scheduled'"),
    )
    op.drop_index("ix_icare_exports_pending", table_name="icare_exports")
    op.drop_constraint("ck_icare_exports_status_known", "icare_exports", type_="check")
    op.drop_column("icare_exports", "failure")
    op.drop_column("icare_exports", "attempts")
    op.drop_column("icare_exports", "claimed_at")
