"""Group activities (attendees) and language courses (setup, enrolment, attendance, exit).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.rls import CURRENT_PROGRAMS, CURRENT_USER_ID, enable_tenant_rls

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "group_activities",
    "group_attendees",
    "language_courses",
    "course_enrolments",
    "course_attendance",
)


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _jsonb(name: str, *, nullable: bool = False, default: str | None = None) -> sa.Column[object]:
    return sa.Column(
        name,
        JSONB(),
        nullable=nullable,
        server_default=sa.text(default) if default is not None else None,
    )


def upgrade() -> None:
    _groups()
    _courses()
    _row_level_security()


def _groups() -> None:
    op.create_table(
        "group_activities",
        _uuid("session_id"),
        _uuid("agency_id"),
        sa.Column("anonymous_count", sa.Integer(), nullable=False),
        _uuid("updated_by"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("session_id", name="pk_group_activities"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_records.id"],
            name="fk_group_activities_session_id_session_records",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "anonymous_count >= 0", name="ck_group_activities_anonymous_count_not_negative"
        ),
    )
    op.create_index("ix_group_activities_agency_id", "group_activities", ["agency_id"])

    op.create_table(
        "group_attendees",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("session_id"),
        _uuid("client_id"),
        _uuid("added_by"),
        _at("added_at"),
        sa.Column("form_key", sa.String(64), nullable=True),
        sa.Column("definition_version", sa.Integer(), nullable=True),
        _jsonb("answers", nullable=True),
        sa.Column("form_status", sa.String(16), nullable=True),
        _uuid("form_author_id", nullable=True),
        _uuid("form_updated_by", nullable=True),
        _at("form_updated_at", nullable=True),
        _at("form_completed_at", nullable=True),
        _jsonb("form_versions", default="'[]'::jsonb"),
        sa.PrimaryKeyConstraint("id", name="pk_group_attendees"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_records.id"],
            name="fk_group_attendees_session_id_session_records",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "session_id", "client_id", name="uq_group_attendees_session_id_client_id"
        ),
        sa.CheckConstraint(
            "form_status IS NULL OR form_status IN ('draft', 'completed')",
            name="ck_group_attendees_form_status_known",
        ),
        sa.CheckConstraint(
            "(form_key IS NULL) = (answers IS NULL)", name="ck_group_attendees_form_whole"
        ),
    )
    op.create_index("ix_group_attendees_agency_id", "group_attendees", ["agency_id"])
    op.create_index("ix_group_attendees_session_id", "group_attendees", ["session_id"])
    op.create_index("ix_group_attendees_client_id", "group_attendees", ["client_id"])


def _courses() -> None:
    op.create_table(
        "language_courses",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("program_id"),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("teacher", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        _jsonb("answers"),
        _jsonb("versions", default="'[]'::jsonb"),
        _uuid("created_by"),
        _at("created_at"),
        _uuid("updated_by"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_language_courses"),
        sa.CheckConstraint("capacity > 0", name="ck_language_courses_capacity_positive"),
        sa.CheckConstraint("end_date >= start_date", name="ck_language_courses_date_order"),
        sa.CheckConstraint("btrim(code) <> ''", name="ck_language_courses_code_not_blank"),
    )
    op.create_index("ix_language_courses_agency_id", "language_courses", ["agency_id"])
    op.create_index("ix_language_courses_program_id", "language_courses", ["program_id"])
    # The course code is unique in the agency, whatever its case.
    op.execute(
        "CREATE UNIQUE INDEX uq_language_courses_agency_code"
        " ON language_courses (agency_id, lower(code))"
    )

    op.create_table(
        "course_enrolments",
        _uuid("id"),
        _uuid("agency_id"),
        _uuid("course_id"),
        _uuid("client_id"),
        sa.Column("status", sa.String(16), nullable=False),
        _uuid("enrolled_by"),
        _at("enrolled_at"),
        sa.Column("first_class_date", sa.Date(), nullable=True),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        _jsonb("answers"),
        sa.Column("form_status", sa.String(16), nullable=False),
        _uuid("form_updated_by"),
        _at("form_updated_at"),
        _at("form_completed_at", nullable=True),
        _jsonb("form_versions", default="'[]'::jsonb"),
        sa.Column("exit_definition_version", sa.Integer(), nullable=True),
        _jsonb("exit_answers", nullable=True),
        sa.Column("training_status", sa.String(64), nullable=True),
        sa.Column("exit_date", sa.Date(), nullable=True),
        _uuid("exited_by", nullable=True),
        _at("exited_at", nullable=True),
        _jsonb("exit_versions", default="'[]'::jsonb"),
        sa.PrimaryKeyConstraint("id", name="pk_course_enrolments"),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["language_courses.id"],
            name="fk_course_enrolments_course_id_language_courses",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "course_id", "client_id", name="uq_course_enrolments_course_id_client_id"
        ),
        sa.CheckConstraint(
            "status IN ('enrolled', 'exited')", name="ck_course_enrolments_status_known"
        ),
        sa.CheckConstraint(
            "form_status IN ('draft', 'completed')", name="ck_course_enrolments_form_status_known"
        ),
        # An exit is whole: the form, its status and date, who and when.
        sa.CheckConstraint(
            "(status = 'exited') = (exit_answers IS NOT NULL AND training_status IS NOT NULL"
            " AND exit_date IS NOT NULL AND exited_by IS NOT NULL AND exited_at IS NOT NULL)",
            name="ck_course_enrolments_exit_whole",
        ),
    )
    op.create_index("ix_course_enrolments_agency_id", "course_enrolments", ["agency_id"])
    op.create_index("ix_course_enrolments_course_id", "course_enrolments", ["course_id"])
    op.create_index("ix_course_enrolments_client_id", "course_enrolments", ["client_id"])

    op.create_table(
        "course_attendance",
        _uuid("course_id"),
        sa.Column("class_date", sa.Date(), nullable=False),
        _uuid("client_id"),
        _uuid("agency_id"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        _uuid("recorded_by"),
        _at("recorded_at"),
        sa.PrimaryKeyConstraint(
            "course_id", "class_date", "client_id", name="pk_course_attendance"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["language_courses.id"],
            name="fk_course_attendance_course_id_language_courses",
            ondelete="CASCADE",
        ),
        # Only an enrolled client has a mark.
        sa.ForeignKeyConstraint(
            ["course_id", "client_id"],
            ["course_enrolments.course_id", "course_enrolments.client_id"],
            name="fk_course_attendance_enrolment",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('present', 'absent', 'excused', 'late')",
            name="ck_course_attendance_status_known",
        ),
    )
    op.create_index("ix_course_attendance_agency_id", "course_attendance", ["agency_id"])
    op.create_index(
        "ix_course_attendance_course_client", "course_attendance", ["course_id", "client_id"]
    )


def _restrictive(table: str, name: str, command: str, using: str | None, check: str | None) -> None:
    """A RESTRICTIVE policy: it narrows `tenant_isolation`, never widens it."""
    sql = f"CREATE POLICY {name} ON {table} AS RESTRICTIVE FOR {command}"
    if using is not None:
        sql += f" USING ({using})"
    if check is not None:
        sql += f" WITH CHECK ({check})"
    op.execute(sql)


def _row_level_security() -> None:
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)

    # A group's attendance is seen and changed with its session: the subquery is itself
    # under session_records' policies (program members, a private one its author and
    # the author's manager).
    for table in ("group_activities", "group_attendees"):
        with_session = f"EXISTS (SELECT 1 FROM session_records s WHERE s.id = {table}.session_id)"
        _restrictive(table, "group_with_session", "ALL", with_session, with_session)
    _restrictive(
        "group_activities", "group_writer", "INSERT", None, f"updated_by = {CURRENT_USER_ID}"
    )
    _restrictive(
        "group_activities",
        "group_updater",
        "UPDATE",
        "true",
        f"updated_by = {CURRENT_USER_ID}",
    )

    # A course is its program's (and its creator's); it is set up in the creator's name,
    # in one of their programs, and changed in the changer's name.
    readable = f"created_by = {CURRENT_USER_ID} OR program_id = ANY({CURRENT_PROGRAMS})"
    _restrictive("language_courses", "course_readers", "SELECT", readable, None)
    _restrictive(
        "language_courses",
        "course_author",
        "INSERT",
        None,
        f"created_by = {CURRENT_USER_ID} AND program_id = ANY({CURRENT_PROGRAMS})",
    )
    _restrictive(
        "language_courses", "course_updater", "UPDATE", readable, f"updated_by = {CURRENT_USER_ID}"
    )
    # Courses are never deleted through the application.
    _restrictive("language_courses", "course_kept", "DELETE", "false", None)

    # Enrolments and marks are seen and changed with their course.
    for table in ("course_enrolments", "course_attendance"):
        with_course = f"EXISTS (SELECT 1 FROM language_courses c WHERE c.id = {table}.course_id)"
        _restrictive(table, "course_with_course", "ALL", with_course, with_course)
    _restrictive(
        "course_enrolments", "enrolment_author", "INSERT", None, f"enrolled_by = {CURRENT_USER_ID}"
    )
    _restrictive("course_enrolments", "enrolment_kept", "DELETE", "false", None)
    _restrictive(
        "course_attendance", "attendance_taker", "INSERT", None, f"recorded_by = {CURRENT_USER_ID}"
    )


def downgrade() -> None:
    # Policies and indexes go with their tables.
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
