"""Tasks, the partner directory, referrals, notifications, the copies of other services'
data, and their row-level security.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from kit.rls import CURRENT_PROGRAMS, CURRENT_ROLE, CURRENT_USER_ID, enable_tenant_rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table here carries agency_id and is under forced RLS (`tenant_isolation`).
TENANT_TABLES = (
    "referral_client_copies",
    "referral_staff_copies",
    "referral_program_copies",
    "interactions",
    "client_merge_moves",
    "tasks",
    "task_comments",
    "partners",
    "referrals",
    "referral_status_history",
)
# The reminder scheduler claims due notifications of every agency under the platform
# scope (`kit.db.Scope.PLATFORM`, as icare's schedule does), then renders and records
# each one under its own agency.
CROSS_AGENCY_SCOPE = "platform"


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None, *, nullable: bool = True) -> sa.Column[object]:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    _copies()
    _tasks()
    _partners_and_referrals()
    _notifications()
    _row_level_security()


def _copies() -> None:
    op.create_table(
        "referral_client_copies",
        _uuid("id"),
        _uuid("agency_id"),
        _text("kind", 16, nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        _text("consent_status", 16, nullable=False),
        _text("email", 320),
        _text("official_language", 64),
        _text("given_name", 200),
        _text("family_name", 200),
        _text("preferred_name", 200),
        _uuid("merged_into", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_client_copies"),
    )
    op.create_index("ix_referral_client_copies_agency_id", "referral_client_copies", ["agency_id"])
    op.create_table(
        "referral_staff_copies",
        _uuid("id"),
        _uuid("agency_id"),
        _text("email", 320, nullable=False),
        _text("given_name", 100, nullable=False),
        _text("family_name", 100, nullable=False),
        _text("role", 32, nullable=False),
        sa.Column("program_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        _uuid("manager_id", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_copies"),
    )
    op.create_index("ix_referral_staff_copies_agency_id", "referral_staff_copies", ["agency_id"])
    op.create_table(
        "referral_program_copies",
        _uuid("id"),
        _uuid("agency_id"),
        _text("name", 200, nullable=False),
        _text("code", 32, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("source_at"),
        sa.PrimaryKeyConstraint("id", name="pk_program_copies"),
    )
    op.create_index("ix_referral_program_copies_agency_id", "referral_program_copies", ["agency_id"])
    op.create_table(
        "interactions",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("worker_id"),
        _uuid("client_id"),
        _text("kind", 32, nullable=False),
        _uuid("ref_id"),
        _text("detail"),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name="pk_interactions"),
        sa.UniqueConstraint("kind", "ref_id", "client_id", name="uq_interactions_kind_ref_client"),
    )
    op.create_index("ix_interactions_worker_at", "interactions", ["agency_id", "worker_id", "at"])
    op.create_index("ix_interactions_client_id", "interactions", ["client_id"])
    op.create_table(
        "client_merge_moves",
        _uuid("merge_id"),
        _text("entity", 32, nullable=False),
        _uuid("entity_id"),
        _uuid("agency_id"),
        _uuid("from_client_id"),
        sa.PrimaryKeyConstraint("merge_id", "entity", "entity_id", name="pk_client_merge_moves"),
    )


def _tasks() -> None:
    op.create_table(
        "tasks",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        _uuid("form_id", nullable=True),
        _uuid("session_id", nullable=True),
        _text("title", 200, nullable=False),
        _text("description"),
        _uuid("assignee_id"),
        _uuid("created_by"),
        _uuid("program_id", nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        _text("priority", 16, nullable=False),
        _text("status", 16, nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        _uuid("request_id", nullable=True),
        _at("created_at"),
        _at("updated_at"),
        _at("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        # One task per sessions follow-up request, however often its event arrives.
        sa.UniqueConstraint("request_id", name="uq_tasks_request_id"),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')", name="ck_tasks_status_known"
        ),
        sa.CheckConstraint(
            "priority IN ('low', 'normal', 'high', 'urgent')", name="ck_tasks_priority_known"
        ),
    )
    op.create_index(
        "ix_tasks_assignee_due",
        "tasks",
        ["agency_id", "assignee_id", "due_date"],
        postgresql_where=sa.text("status IN ('open', 'in_progress')"),
    )
    op.create_index("ix_tasks_client_id", "tasks", ["agency_id", "client_id"])
    op.create_index("ix_tasks_created_by", "tasks", ["agency_id", "created_by"])
    op.create_index("ix_tasks_program_id", "tasks", ["agency_id", "program_id"])
    op.create_table(
        "task_comments",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("task_id"),
        _uuid("author_id"),
        _text("body", nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_task_comments"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_task_comments_task_id_tasks", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_task_comments_task_id", "task_comments", ["task_id"])


def _partners_and_referrals() -> None:
    op.create_table(
        "partners",
        _uuid("id"),
        _uuid("agency_id"),
        _text("name", 200, nullable=False),
        sa.Column("services_offered", ARRAY(sa.String(200)), nullable=False),
        _text("contact_name", 200),
        _text("email", 320),
        _text("phone", 40),
        _text("website", 300),
        _text("address", 300),
        sa.Column("languages", ARRAY(sa.String(100)), nullable=False),
        _text("eligibility"),
        sa.Column("active", sa.Boolean(), nullable=False),
        _uuid("created_by"),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_partners"),
    )
    op.create_index("ix_partners_agency_id", "partners", ["agency_id"])
    # One directory entry per name in an agency, whatever the case.
    op.execute("CREATE UNIQUE INDEX uq_partners_agency_name ON partners (agency_id, lower(name))")

    op.create_table(
        "referrals",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("client_id"),
        _text("kind", 16, nullable=False),
        _uuid("to_program_id", nullable=True),
        _uuid("partner_id", nullable=True),
        _text("partner_name", 200),
        _text("need", nullable=False),
        _text("note"),
        _text("status", 20, nullable=False),
        _text("outcome"),
        _uuid("referred_by"),
        _uuid("program_id", nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        _uuid("form_id", nullable=True),
        _uuid("session_id", nullable=True),
        _uuid("request_id", nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referrals"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_referrals_partner_id_partners"
        ),
        # One referral per sessions follow-up request, however often its event arrives.
        sa.UniqueConstraint("request_id", name="uq_referrals_request_id"),
        sa.CheckConstraint("kind IN ('internal', 'external')", name="ck_referrals_kind_known"),
        sa.CheckConstraint(
            "status IN ('sent', 'accepted', 'declined', 'service_started', 'completed',"
            " 'closed')",
            name="ck_referrals_status_known",
        ),
        sa.CheckConstraint(
            "(kind = 'internal' AND to_program_id IS NOT NULL)"
            " OR (kind = 'external' AND (partner_id IS NOT NULL OR partner_name IS NOT NULL))",
            name="ck_referrals_target",
        ),
    )
    op.create_index(
        "ix_referrals_referrer_follow_up",
        "referrals",
        ["agency_id", "referred_by", "follow_up_on"],
        postgresql_where=sa.text("status NOT IN ('completed', 'closed')"),
    )
    op.create_index("ix_referrals_client_id", "referrals", ["agency_id", "client_id"])
    op.create_index("ix_referrals_program_id", "referrals", ["agency_id", "program_id"])
    op.create_index("ix_referrals_to_program_id", "referrals", ["agency_id", "to_program_id"])
    op.create_table(
        "referral_status_history",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("referral_id"),
        _text("from_status", 20),
        _text("to_status", 20, nullable=False),
        _text("note"),
        _uuid("changed_by"),
        _at("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_referral_status_history"),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name="fk_referral_status_history_referral_id_referrals",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_referral_status_history_referral_id", "referral_status_history", ["referral_id"]
    )


def _notifications() -> None:
    op.create_table(
        "notifications",
        _uuid("id"),
        _uuid("agency_id"),
        _text("kind", 32, nullable=False),
        _text("channel", 16, nullable=False),
        _text("recipient", 16, nullable=False),
        _uuid("staff_id", nullable=True),
        _uuid("client_id", nullable=True),
        _uuid("task_id", nullable=True),
        _uuid("referral_id", nullable=True),
        _at("event_at"),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        _at("send_at"),
        _text("note"),
        _text("state", 16, nullable=False),
        _at("next_attempt_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("claimed_at", nullable=True),
        _at("sent_at", nullable=True),
        _text("reason", 64),
        _text("last_error", 200),
        _text("language", 8),
        _text("subject", 300),
        _text("message_id", 200, nullable=False),
        _uuid("created_by", nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'not_sent', 'cancelled')",
            name="ck_notifications_state_known",
        ),
        sa.CheckConstraint(
            "kind IN ('task_due', 'referral_follow_up', 'appointment', 'follow_up')",
            name="ck_notifications_kind_known",
        ),
        sa.CheckConstraint(
            "(recipient = 'staff' AND staff_id IS NOT NULL)"
            " OR (recipient = 'client' AND client_id IS NOT NULL)",
            name="ck_notifications_recipient",
        ),
        sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="ck_notifications_sent"),
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_notifications_sending",
        "notifications",
        ["claimed_at"],
        postgresql_where=sa.text("state = 'sending'"),
    )
    op.create_index(
        "ix_notifications_client", "notifications", ["agency_id", "client_id", "send_at"]
    )
    op.create_index("ix_notifications_task_id", "notifications", ["task_id"])
    op.create_index("ix_notifications_referral_id", "notifications", ["referral_id"])


def _row_level_security() -> None:
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    enable_tenant_rls(op, "notifications", admit_scopes=(CROSS_AGENCY_SCOPE,))
    # Beyond the agency, a backstop for who reads tasks and referrals. Restrictive, so it
    # narrows `tenant_isolation`. A transaction with an agency and no user (a consumed
    # event, the scheduler) passes; the exact team rule (the manager of the assignee or
    # author, from the token's `manages`) is the application's, the database only knows
    # the role, so a manager or admin passes here.
    staff = f"{CURRENT_USER_ID} IS NULL OR {CURRENT_ROLE} IN ('manager', 'agency_admin')"
    task_readers = (
        f"{staff} OR assignee_id = {CURRENT_USER_ID} OR created_by = {CURRENT_USER_ID}"
        f" OR (NOT private AND program_id = ANY({CURRENT_PROGRAMS}))"
    )
    op.execute(
        f"CREATE POLICY task_readers ON tasks AS RESTRICTIVE FOR SELECT USING ({task_readers})"
    )
    referral_readers = (
        f"{staff} OR referred_by = {CURRENT_USER_ID}"
        f" OR (NOT private AND (program_id = ANY({CURRENT_PROGRAMS})"
        f" OR to_program_id = ANY({CURRENT_PROGRAMS})))"
    )
    op.execute(
        "CREATE POLICY referral_readers ON referrals AS RESTRICTIVE FOR SELECT"
        f" USING ({referral_readers})"
    )


def downgrade() -> None:
    op.drop_table("notifications")
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
