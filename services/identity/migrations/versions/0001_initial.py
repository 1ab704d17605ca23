"""Identity's tables, their row-level security, and the kit's outbox, inbox and audit log.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from kit.migrations import (
    create_audit_table,
    create_messaging_tables,
    drop_audit_table,
    drop_messaging_tables,
)
from kit.rls import CURRENT_AGENCY, create_policy, enable_tenant_rls, force_rls, scope_is

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "('caseworker', 'manager', 'agency_admin', 'platform_admin')"
STATUSES = "('proposed', 'active', 'declined', 'revoked')"

# Tenant tables: forced RLS, one agency's rows, plus the scopes named here.
TENANT_TABLES: dict[str, tuple[str, ...]] = {
    "programs": (),
    "users": ("auth",),  # sign-in finds the user before the agency is known
    "program_memberships": (),
    "login_sessions": ("auth",),  # token exchange and sign-out start from the session
    "password_tokens": ("auth",),  # the reset link is all the caller has
    "funders": (),
    "funding_agreements": (),
    "funding_agreement_programs": (),
    "partnerships": (),
}


def _id() -> sa.Column[object]:
    return sa.Column("id", UUID(as_uuid=True), nullable=False)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False, now: bool = False) -> sa.Column[object]:
    default = sa.func.now() if now else None
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=default)


def _flag(name: str, default: bool) -> sa.Column[object]:
    return sa.Column(
        name, sa.Boolean(), nullable=False, server_default=sa.true() if default else sa.false()
    )


def _agency_fk(table: str, column: str = "agency_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["agencies.id"], name=f"fk_{table}_{column}_agencies")


def upgrade() -> None:
    create_messaging_tables(op)
    create_audit_table(op)

    op.create_table(
        "agencies",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        _flag("active", True),
        _at("created_at", now=True),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
        sa.UniqueConstraint("code", name="uq_agencies_code"),
    )
    op.create_table(
        "programs",
        _id(),
        _uuid("agency_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        _flag("active", True),
        _at("created_at", now=True),
        _at("updated_at", now=True),
        sa.PrimaryKeyConstraint("id", name="pk_programs"),
        _agency_fk("programs"),
        sa.UniqueConstraint("agency_id", "code", name="uq_programs_agency_id_code"),
    )
    op.create_index("ix_programs_agency_id", "programs", ["agency_id"])

    op.create_table(
        "users",
        _id(),
        _uuid("agency_id"),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        _uuid("manager_id", nullable=True),
        _flag("active", True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        _at("password_changed_at", nullable=True),
        _flag("mfa_enabled", False),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_pending_secret", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        _at("created_at", now=True),
        _at("updated_at", now=True),
        _at("deactivated_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        _agency_fk("users"),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name="fk_users_manager_id_users", ondelete="SET NULL"
        ),
        sa.CheckConstraint(f"role IN {ROLES}", name="ck_users_role_known"),
    )
    op.create_index("ix_users_agency_id", "users", ["agency_id"])
    op.create_index("ix_users_manager_id", "users", ["manager_id"])
    # One account per email across the platform, whatever its case.
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)

    op.create_table(
        "program_memberships",
        _uuid("user_id"),
        _uuid("program_id"),
        _uuid("agency_id"),
        sa.PrimaryKeyConstraint("user_id", "program_id", name="pk_program_memberships"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_program_memberships_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name="fk_program_memberships_program_id_programs",
            ondelete="CASCADE",
        ),
        _agency_fk("program_memberships"),
    )
    op.create_index("ix_program_memberships_program_id", "program_memberships", ["program_id"])
    op.create_index("ix_program_memberships_agency_id", "program_memberships", ["agency_id"])

    op.create_table(
        "login_sessions",
        _id(),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        _uuid("user_id"),
        _uuid("agency_id"),
        _at("created_at", now=True),
        _at("expires_at"),
        _at("last_seen_at", now=True),
        _at("revoked_at", nullable=True),
        sa.Column("client_ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(512), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_login_sessions"),
        sa.UniqueConstraint("secret_hash", name="uq_login_sessions_secret_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_login_sessions_user_id_users", ondelete="CASCADE"
        ),
        _agency_fk("login_sessions"),
    )
    op.create_index("ix_login_sessions_user_id", "login_sessions", ["user_id"])
    op.create_index("ix_login_sessions_agency_id", "login_sessions", ["agency_id"])
    op.create_index("ix_login_sessions_expires_at", "login_sessions", ["expires_at"])

    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0")),
        _at("last_failure_at"),
        _at("blocked_until", nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttles"),
    )
    op.create_index("ix_login_throttles_last_failure_at", "login_throttles", ["last_failure_at"])

    op.create_table(
        "password_tokens",
        _id(),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        _uuid("user_id"),
        _uuid("agency_id"),
        sa.Column("purpose", sa.String(16), nullable=False),
        _at("created_at", now=True),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_password_tokens"),
        sa.UniqueConstraint("secret_hash", name="uq_password_tokens_secret_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_password_tokens_user_id_users", ondelete="CASCADE"
        ),
        _agency_fk("password_tokens"),
        sa.CheckConstraint(
            "purpose IN ('reset', 'invitation')", name="ck_password_tokens_purpose_known"
        ),
    )
    op.create_index("ix_password_tokens_user_id", "password_tokens", ["user_id"])
    op.create_index("ix_password_tokens_agency_id", "password_tokens", ["agency_id"])
    op.create_index("ix_password_tokens_expires_at", "password_tokens", ["expires_at"])

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", JSONB(), nullable=False),
        _at("created_at", now=True),
        _at("active_from"),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
    )
    op.create_index("ix_signing_keys_active_from", "signing_keys", ["active_from"])

    op.create_table(
        "funders",
        _id(),
        _uuid("agency_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        _at("created_at", now=True),
        sa.PrimaryKeyConstraint("id", name="pk_funders"),
        _agency_fk("funders"),
        sa.UniqueConstraint("agency_id", "code", name="uq_funders_agency_id_code"),
    )
    op.create_index("ix_funders_agency_id", "funders", ["agency_id"])

    op.create_table(
        "funding_agreements",
        _id(),
        _uuid("agency_id"),
        _uuid("funder_id"),
        sa.Column("agreement_number", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _at("created_at", now=True),
        _at("updated_at", now=True),
        sa.PrimaryKeyConstraint("id", name="pk_funding_agreements"),
        _agency_fk("funding_agreements"),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name="fk_funding_agreements_funder_id_funders"
        ),
        sa.UniqueConstraint(
            "agency_id",
            "agreement_number",
            name="uq_funding_agreements_agency_id_agreement_number",
        ),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_funding_agreements_dates_in_order"),
    )
    op.create_index("ix_funding_agreements_agency_id", "funding_agreements", ["agency_id"])
    op.create_index("ix_funding_agreements_funder_id", "funding_agreements", ["funder_id"])

    op.create_table(
        "funding_agreement_programs",
        _uuid("agreement_id"),
        _uuid("program_id"),
        _uuid("agency_id"),
        sa.PrimaryKeyConstraint("agreement_id", "program_id", name="pk_funding_agreement_programs"),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["funding_agreements.id"],
            name="fk_funding_agreement_programs_agreement_id_funding_agreements",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name="fk_funding_agreement_programs_program_id_programs",
            ondelete="CASCADE",
        ),
        _agency_fk("funding_agreement_programs"),
    )
    op.create_index(
        "ix_funding_agreement_programs_program_id", "funding_agreement_programs", ["program_id"]
    )
    op.create_index(
        "ix_funding_agreement_programs_agency_id", "funding_agreement_programs", ["agency_id"]
    )

    op.create_table(
        "partnerships",
        _id(),
        _uuid("agency_id"),
        _uuid("partner_agency_id"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("shares", ARRAY(sa.String(40)), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        _uuid("proposed_by"),
        _uuid("decided_by", nullable=True),
        _at("decided_at", nullable=True),
        _uuid("revoked_by", nullable=True),
        _at("revoked_at", nullable=True),
        _at("created_at", now=True),
        _at("updated_at", now=True),
        sa.PrimaryKeyConstraint("id", name="pk_partnerships"),
        _agency_fk("partnerships"),
        _agency_fk("partnerships", "partner_agency_id"),
        sa.CheckConstraint("agency_id <> partner_agency_id", name="ck_partnerships_two_agencies"),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name="ck_partnerships_dates_in_order"
        ),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_partnerships_status_known"),
    )
    op.create_index("ix_partnerships_agency_id", "partnerships", ["agency_id"])
    op.create_index("ix_partnerships_partner_agency_id", "partnerships", ["partner_agency_id"])
    op.create_index(
        "uq_partnerships_open_pair",
        "partnerships",
        [
            sa.text("least(agency_id, partner_agency_id)"),
            sa.text("greatest(agency_id, partner_agency_id)"),
        ],
        unique=True,
        postgresql_where=sa.text("status IN ('proposed', 'active')"),
    )

    _row_level_security()


def _row_level_security() -> None:
    # An agency row: the agency itself, or platform administration, or sign-in.
    enable_tenant_rls(op, "agencies", column="id", admit_scopes=("platform", "auth"))
    # Partners read each other's agency row (its name on the partnership), nothing more.
    create_policy(
        op,
        "agencies",
        "partner_visible",
        "EXISTS (SELECT 1 FROM partnerships p WHERE"
        f" (p.agency_id = agencies.id AND p.partner_agency_id = {CURRENT_AGENCY})"
        f" OR (p.partner_agency_id = agencies.id AND p.agency_id = {CURRENT_AGENCY}))",
        command="SELECT",
    )
    for table, scopes in TENANT_TABLES.items():
        enable_tenant_rls(op, table, admit_scopes=scopes)
    # The invited agency reads the partnership and answers it (accept, decline, revoke),
    # but cannot create one in the other agency's name: no INSERT or DELETE for it.
    partner = f"partner_agency_id = {CURRENT_AGENCY}"
    create_policy(op, "partnerships", "partner_reads", partner, command="SELECT")
    create_policy(op, "partnerships", "partner_answers", partner, partner, command="UPDATE")
    # Throttle rows belong to no agency; only sign-in (and its housekeeping) touches them.
    force_rls(op, "login_throttles")
    create_policy(op, "login_throttles", "sign_in_only", scope_is("auth"))


def downgrade() -> None:
    op.execute("DROP POLICY partner_visible ON agencies")  # it reads partnerships
    for table in (
        "partnerships",
        "funding_agreement_programs",
        "funding_agreements",
        "funders",
        "signing_keys",
        "password_tokens",
        "login_throttles",
        "login_sessions",
        "program_memberships",
        "users",
        "programs",
        "agencies",
    ):
        op.drop_table(table)
    drop_audit_table(op)
    drop_messaging_tables(op)
