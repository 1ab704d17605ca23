"""The service forms still drafts (from sessions' `sessions.service.drafted.v1`), for
their author's My work, under row-level security: the agency's, and read by the author
only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from kit.rls import CURRENT_USER_ID, disable_tenant_rls, enable_tenant_rls

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referral_form_drafts",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.Column("session_id", UUID(as_uuid=True), nullable=False),
        sa.Column("session_type", sa.String(64), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("form_key", sa.String(64), nullable=False),
        sa.Column("author_id", UUID(as_uuid=True), nullable=False),
        sa.Column("program_id", UUID(as_uuid=True), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("client_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referral_form_drafts"),
        sa.CheckConstraint(
            "status IN ('draft', 'completed')", name="ck_referral_form_drafts_status_known"
        ),
    )
    op.create_index(
        "ix_referral_form_drafts_author",
        "referral_form_drafts",
        ["agency_id", "author_id", "session_date"],
        postgresql_where=sa.text("status = 'draft'"),
    )
    enable_tenant_rls(op, "referral_form_drafts")
    # Beyond the agency, a backstop: a draft is read by its author only. Restrictive, so
    # it narrows `tenant_isolation`; a transaction with an agency and no user (a consumed
    # event) passes, to keep the copy.
    op.execute(
        "CREATE POLICY draft_author ON referral_form_drafts AS RESTRICTIVE FOR SELECT"
        f" USING ({CURRENT_USER_ID} IS NULL OR author_id = {CURRENT_USER_ID})"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS draft_author ON referral_form_drafts")
    disable_tenant_rls(op, "referral_form_drafts")
    op.drop_table("referral_form_drafts")
