"""The read model (`rpt_*`): clients' reportable attributes, services, group activities,
contacts, support services, courses, enrolments, attendance, referrals, attachments,
programs, staff and funding agreements; row-level security on every one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "rpt_clients",
    "rpt_services",
    "rpt_groups",
    "rpt_contacts",
    "rpt_support",
    "rpt_courses",
    "rpt_enrolments",
    "rpt_course_classes",
    "rpt_attendance",
    "rpt_referrals",
    "rpt_attachments",
    "rpt_programs",
    "rpt_staff",
    "rpt_agreements",
)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _uuids(name: str) -> sa.Column[object]:
    return sa.Column(name, ARRAY(UUID(as_uuid=True)), nullable=False)


def _texts(name: str) -> sa.Column[object]:
    return sa.Column(name, ARRAY(sa.Text()), nullable=False)


def _text(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _str(name: str, length: int) -> sa.Column[object]:
    return sa.Column(name, sa.String(length), nullable=False)


def _int(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _bool(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Boolean(), nullable=nullable)


def _date(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _source_at() -> sa.Column[object]:
    return sa.Column("source_at", sa.DateTime(timezone=True), nullable=False)


def _session_columns() -> list[sa.Column[object]]:
    return [_uuid("worker_id"), _uuid("program_id"), _uuids("funder_ids"), _texts("funder_names")]


def upgrade() -> None:
    op.create_table(
        "rpt_clients",
        _uuid("id"), _uuid("agency_id"), _str("kind", 16), _bool("restricted"),
        _text("gender"), _date("birth_date", nullable=True), _text("age_range"),
        _text("immigration_status"), _text("immigration_category"), _text("country_of_birth"),
        _text("official_language"), _texts("other_languages"), _texts("target_groups"),
        _uuids("program_ids"), _date("registered_on", nullable=True),
        _uuid("registered_by", nullable=True), _uuid("merged_into", nullable=True),
        _uuid("merge_id", nullable=True), _uuid("survivor_id"), _int("version"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_clients"),
    )  # fmt: skip
    op.create_index(
        "ix_rpt_clients_agency_registered", "rpt_clients", ["agency_id", "registered_on"]
    )
    op.create_index("ix_rpt_clients_survivor", "rpt_clients", ["survivor_id"])
    op.create_index("ix_rpt_clients_merged_into", "rpt_clients", ["merged_into"])

    op.create_table(
        "rpt_services",
        _uuid("id"), _uuid("agency_id"), _uuid("session_id"), _str("session_type", 64),
        _str("form_key", 64), _date("service_date"), _str("delivery_mode", 16),
        _text("language_of_service"), *_session_columns(), _uuids("client_ids"),
        _int("client_count"), _bool("private"), _int("version"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_services"),
    )  # fmt: skip
    op.create_index("ix_rpt_services_agency_date", "rpt_services", ["agency_id", "service_date"])

    op.create_table(
        "rpt_groups",
        _uuid("id"), _uuid("agency_id"), _str("session_type", 64), _date("session_date"),
        *_session_columns(), _int("named_count"), _int("attended_count"),
        _int("anonymous_count"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_groups"),
    )  # fmt: skip
    op.create_index("ix_rpt_groups_agency_date", "rpt_groups", ["agency_id", "session_date"])

    op.create_table(
        "rpt_contacts",
        _str("source", 16), _uuid("source_id"), _uuid("client_id"), _uuid("agency_id"),
        _date("contact_date"), _str("session_type", 64), *_session_columns(),
        sa.PrimaryKeyConstraint("source", "source_id", "client_id", name="pk_rpt_contacts"),
    )  # fmt: skip
    op.create_index("ix_rpt_contacts_agency_date", "rpt_contacts", ["agency_id", "contact_date"])
    op.create_index("ix_rpt_contacts_client", "rpt_contacts", ["client_id"])

    op.create_table(
        "rpt_support",
        _uuid("session_id"), _uuid("client_id"), _uuid("agency_id"), _date("session_date"),
        *_session_columns(), _int("childminding"), _bool("transportation"),
        _bool("disability_support"), _bool("translation"), _bool("interpretation"),
        _bool("crisis_counselling"), _source_at(),
        sa.PrimaryKeyConstraint("session_id", "client_id", name="pk_rpt_support"),
    )  # fmt: skip
    op.create_index("ix_rpt_support_agency_date", "rpt_support", ["agency_id", "session_date"])

    op.create_table(
        "rpt_courses",
        _uuid("id"), _uuid("agency_id"), _uuid("program_id"), _text("code", nullable=False),
        _int("capacity"), _date("start_date"), _date("end_date"), _uuid("teacher_id"),
        _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_courses"),
    )  # fmt: skip
    op.create_index("ix_rpt_courses_agency_id", "rpt_courses", ["agency_id"])

    op.create_table(
        "rpt_enrolments",
        _uuid("id"), _uuid("agency_id"), _uuid("course_id"), _text("course_code", nullable=False),
        _uuid("program_id"), _uuid("client_id"), _uuid("enrolled_by"), _str("status", 16),
        _date("enrolled_on"), _text("training_status"), _text("exit_reason"),
        _date("exit_date", nullable=True), _text("listening_clb"), _text("speaking_clb"),
        _text("reading_clb"), _text("writing_clb"), _bool("certificate_issued", nullable=True),
        _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_enrolments"),
    )  # fmt: skip
    op.create_index(
        "ix_rpt_enrolments_agency_enrolled", "rpt_enrolments", ["agency_id", "enrolled_on"]
    )
    op.create_index("ix_rpt_enrolments_agency_exit", "rpt_enrolments", ["agency_id", "exit_date"])

    op.create_table(
        "rpt_course_classes",
        _uuid("course_id"), _date("class_date"), _uuid("agency_id"), _source_at(),
        sa.PrimaryKeyConstraint("course_id", "class_date", name="pk_rpt_course_classes"),
    )  # fmt: skip
    op.create_index("ix_rpt_course_classes_agency_id", "rpt_course_classes", ["agency_id"])

    op.create_table(
        "rpt_attendance",
        _uuid("course_id"), _date("class_date"), _uuid("client_id"), _uuid("agency_id"),
        _text("course_code", nullable=False), _uuid("program_id"), _uuid("worker_id"),
        _str("status", 16),
        sa.PrimaryKeyConstraint("course_id", "class_date", "client_id", name="pk_rpt_attendance"),
    )  # fmt: skip
    op.create_index("ix_rpt_attendance_agency_date", "rpt_attendance", ["agency_id", "class_date"])

    op.create_table(
        "rpt_referrals",
        _uuid("id"), _uuid("agency_id"), _uuid("client_id"), _str("kind", 16),
        _uuid("to_program_id", nullable=True), _uuid("partner_id", nullable=True),
        _text("partner_name"), _text("need", nullable=False), _str("status", 32),
        _text("outcome"), _uuid("referred_by"), _uuid("program_id", nullable=True),
        _date("created_on"), _int("version"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_referrals"),
    )  # fmt: skip
    op.create_index("ix_rpt_referrals_agency_created", "rpt_referrals", ["agency_id", "created_on"])

    op.create_table(
        "rpt_attachments",
        _uuid("id"), _uuid("agency_id"), _uuid("client_id"), _bool("on_form"),
        _text("content_type", nullable=False), _int("size"), _uuid("added_by"),
        _date("added_on"), _bool("removed"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_attachments"),
    )  # fmt: skip
    op.create_index("ix_rpt_attachments_agency_added", "rpt_attachments", ["agency_id", "added_on"])

    op.create_table(
        "rpt_programs",
        _uuid("id"), _uuid("agency_id"), _text("name", nullable=False),
        _text("code", nullable=False), _bool("active"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_programs"),
    )  # fmt: skip
    op.create_index("ix_rpt_programs_agency_id", "rpt_programs", ["agency_id"])

    op.create_table(
        "rpt_staff",
        _uuid("id"), _uuid("agency_id"), _text("given_name", nullable=False),
        _text("family_name", nullable=False), _str("role", 32), _uuids("program_ids"),
        _bool("active"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_staff"),
    )  # fmt: skip
    op.create_index("ix_rpt_staff_agency_id", "rpt_staff", ["agency_id"])

    op.create_table(
        "rpt_agreements",
        _uuid("id"), _uuid("agency_id"), _uuid("funder_id"), _text("funder_code", nullable=False),
        _text("funder_name", nullable=False), _text("agreement_number", nullable=False),
        _text("title", nullable=False), _uuids("program_ids"), _date("starts_on"),
        _date("ends_on"), _source_at(),
        sa.PrimaryKeyConstraint("id", name="pk_rpt_agreements"),
    )  # fmt: skip
    op.create_index("ix_rpt_agreements_agency_id", "rpt_agreements", ["agency_id"])

    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(op, table)
        op.drop_table(table)
