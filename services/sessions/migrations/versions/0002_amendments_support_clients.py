"""Amendments, support services, follow-up requests, agency questions on forms, the
local copy of clients.

Also makes the private rule exact in row-level security: the token's `manages` now
reaches the database (`app.manages`), so a private session or form is readable by its
author and the author's manager only, as the application checks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.rls import (
    CURRENT_MANAGES,
    CURRENT_PROGRAMS,
    CURRENT_ROLE,
    CURRENT_USER_ID,
    enable_tenant_rls,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = (
    "service_form_versions",
    "service_form_follow_ups",
    "session_support_services",
    "form_question_sets",
    "session_client_copies",
)

SESSION_READABLE = (
    f"worker_id = {CURRENT_USER_ID}"
    f" OR (program_id = ANY({CURRENT_PROGRAMS})"
    f" AND (NOT private OR worker_id = ANY({CURRENT_MANAGES})))"
)
# A form is seen with its session (the subquery is itself under the session policies),
# and a private form only by its author and the author's manager.
FORM_READABLE = (
    "EXISTS (SELECT 1 FROM session_records s WHERE s.id = service_forms.session_id)"
    f" AND (NOT private OR author_id = {CURRENT_USER_ID}"
    f" OR author_id = ANY({CURRENT_MANAGES}))"
)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _of_form(table: str) -> str:
    """A row of a form's child table is seen with its form (under the form policies)."""
    return f"EXISTS (SELECT 1 FROM service_forms f WHERE f.id = {table}.form_id)"


def upgrade() -> None:
    op.add_column("service_forms", sa.Column("agency_set_version", sa.Integer(), nullable=True))
    op.add_column(
        "service_forms",
        sa.Column("agency_answers", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.add_column(
        "service_forms",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("service_forms", _uuid("updated_by", nullable=True))
    # Completed forms before this revision: their first version is the completed one.
    op.execute("UPDATE service_forms SET version = 1 WHERE status = 'completed'")

    op.create_table(
        "service_form_versions",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("form_id"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        sa.Column("answers", JSONB(), nullable=False),
        sa.Column("agency_set_version", sa.Integer(), nullable=True),
        sa.Column("agency_answers", JSONB(), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=True),
        _uuid("changed_by"),
        _at("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_service_form_versions"),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["service_forms.id"],
            name="fk_service_form_versions_form_id_service_forms",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("form_id", "version", name="uq_service_form_versions_form_id_version"),
        sa.CheckConstraint(
            "change IN ('completed', 'amended')", name="ck_service_form_versions_change_known"
        ),
        sa.CheckConstraint(
            "change = 'completed' OR reason IS NOT NULL",
            name="ck_service_form_versions_amendment_has_reason",
        ),
    )
    op.create_index("ix_service_form_versions_agency_id", "service_form_versions", ["agency_id"])
    op.create_index("ix_service_form_versions_form_id", "service_form_versions", ["form_id"])

    op.create_table(
        "service_form_follow_ups",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("form_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _uuid("client_id"),
        sa.Column("need", sa.String(500), nullable=False),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("referral_kind", sa.String(16), nullable=True),
        _uuid("to_program_id", nullable=True),
        _uuid("partner_id", nullable=True),
        sa.Column("partner_name", sa.String(200), nullable=True),
        _uuid("assignee_id", nullable=True),
        _uuid("requested_by"),
        _at("created_at"),
        _at("requested_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_service_form_follow_ups"),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["service_forms.id"],
            name="fk_service_form_follow_ups_form_id_service_forms",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "form_id", "position", name="uq_service_form_follow_ups_form_id_position"
        ),
        sa.CheckConstraint(
            "kind IN ('task', 'referral')", name="ck_service_form_follow_ups_kind_known"
        ),
        sa.CheckConstraint(
            "(kind = 'task' AND referral_kind IS NULL)"
            " OR (kind = 'referral' AND referral_kind IN ('internal', 'external'))",
            name="ck_service_form_follow_ups_referral_kind",
        ),
    )
    op.create_index(
        "ix_service_form_follow_ups_agency_id", "service_form_follow_ups", ["agency_id"]
    )
    op.create_index("ix_service_form_follow_ups_form_id", "service_form_follow_ups", ["form_id"])

    op.create_table(
        "session_support_services",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("session_id"),
        _uuid("client_id"),
        sa.Column("childminding", JSONB(), nullable=False),
        sa.Column("transportation", sa.Boolean(), nullable=False),
        sa.Column("disability_support", sa.Boolean(), nullable=False),
        sa.Column("translation", JSONB(), nullable=True),
        sa.Column("interpretation", JSONB(), nullable=True),
        sa.Column("crisis_counselling", sa.Boolean(), nullable=False),
        _uuid("recorded_by"),
        _at("updated_at"),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_session_support_services"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_records.id"],
            name="fk_session_support_services_session_id_session_records",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "session_id", "client_id", name="uq_session_support_services_session_id_client_id"
        ),
    )
    op.create_index(
        "ix_session_support_services_agency_id", "session_support_services", ["agency_id"]
    )
    op.create_index(
        "ix_session_support_services_session_id", "session_support_services", ["session_id"]
    )
    op.create_index(
        "ix_session_support_services_client_id", "session_support_services", ["client_id"]
    )

    op.create_table(
        "form_question_sets",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("form_key", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSONB(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False, server_default=sa.false()),
        _uuid("created_by"),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_form_question_sets"),
        sa.UniqueConstraint(
            "agency_id",
            "form_key",
            "version",
            name="uq_form_question_sets_agency_id_form_key_version",
        ),
    )
    op.create_index("ix_form_question_sets_agency_id", "form_question_sets", ["agency_id"])

    op.create_table(
        "session_client_copies",
        _uuid("id"),
        _uuid("agency_id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        _uuid("merged_into", nullable=True),
        _uuid("merge_id", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_session_client_copies"),
    )
    op.create_index("ix_session_client_copies_agency_id", "session_client_copies", ["agency_id"])
    op.create_index(
        "ix_session_client_copies_merged_into", "session_client_copies", ["merged_into"]
    )

    _row_level_security()


def _row_level_security() -> None:
    for table in NEW_TABLES:
        enable_tenant_rls(op, table)
    # The private rule, exact: the author's manager (token `manages`), not any manager.
    op.execute("DROP POLICY session_readers ON session_records")
    op.execute(
        "CREATE POLICY session_readers ON session_records AS RESTRICTIVE FOR SELECT"
        f" USING ({SESSION_READABLE})"
    )
    op.execute("DROP POLICY form_readers ON service_forms")
    op.execute(
        "CREATE POLICY form_readers ON service_forms AS RESTRICTIVE FOR SELECT"
        f" USING ({FORM_READABLE})"
    )
    # A draft is completed, a completed form amended, by whoever may read it.
    op.execute(
        "CREATE POLICY form_writers ON service_forms AS RESTRICTIVE FOR UPDATE"
        f" USING ({FORM_READABLE}) WITH CHECK ({FORM_READABLE})"
    )
    for table, who in (
        ("service_form_versions", "changed_by"),
        ("service_form_follow_ups", "requested_by"),
    ):
        op.execute(
            f"CREATE POLICY {table}_readers ON {table} AS RESTRICTIVE FOR SELECT"
            f" USING ({_of_form(table)})"
        )
        op.execute(
            f"CREATE POLICY {table}_writers ON {table} AS RESTRICTIVE FOR INSERT"
            f" WITH CHECK ({who} = {CURRENT_USER_ID} AND {_of_form(table)})"
        )
    op.execute(
        "CREATE POLICY service_form_follow_ups_updaters ON service_form_follow_ups"
        " AS RESTRICTIVE FOR UPDATE"
        f" USING ({_of_form('service_form_follow_ups')})"
    )
    # A draft's requests are replaced by whoever may change the draft.
    op.execute(
        "CREATE POLICY service_form_follow_ups_removers ON service_form_follow_ups"
        " AS RESTRICTIVE FOR DELETE"
        f" USING ({_of_form('service_form_follow_ups')} AND requested_at IS NULL)"
    )
    with_session = (
        "EXISTS (SELECT 1 FROM session_records s WHERE s.id = session_support_services.session_id)"
    )
    op.execute(
        "CREATE POLICY support_with_session ON session_support_services AS RESTRICTIVE"
        f" FOR ALL USING ({with_session}) WITH CHECK ({with_session})"
    )
    # Staff read the agency's questions; only agency admins write them.
    op.execute(
        "CREATE POLICY form_questions_admins ON form_question_sets AS RESTRICTIVE FOR INSERT"
        f" WITH CHECK ({CURRENT_ROLE} = 'agency_admin' AND created_by = {CURRENT_USER_ID})"
    )


def downgrade() -> None:
    op.execute("DROP POLICY form_writers ON service_forms")
    op.execute("DROP POLICY form_readers ON service_forms")
    op.execute(
        "CREATE POLICY form_readers ON service_forms AS RESTRICTIVE FOR SELECT"
        " USING (EXISTS (SELECT 1 FROM session_records s WHERE s.id = service_forms.session_id))"
    )
    op.execute("DROP POLICY session_readers ON session_records")
    op.execute(
        "CREATE POLICY session_readers ON session_records AS RESTRICTIVE FOR SELECT"
        f" USING (worker_id = {CURRENT_USER_ID} OR (program_id = ANY({CURRENT_PROGRAMS})"
        f" AND (NOT private OR {CURRENT_ROLE} IN ('manager', 'agency_admin'))))"
    )
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    for column in ("updated_by", "version", "agency_answers", "agency_set_version"):
        op.drop_column("service_forms", column)
