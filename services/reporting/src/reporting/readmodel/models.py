"""The read model's tables. Every row carries `agency_id` (row-level security) and the
time of the state it holds (`source_at`, and `version` where the producer numbers its
states), so an older event delivered late never overwrites a newer state.

Nothing here names a client: no names, contact details, identifiers or addresses are
kept, and a restricted profile (consent withdrawn) keeps no date of birth either.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


def _uuids() -> ARRAY[uuid.UUID]:
    return ARRAY(UUID(as_uuid=True))


def _texts() -> ARRAY[str]:
    return ARRAY(Text)


class Delivered:
    """A session's delivery as its rows record it: the worker (a draft's author), the
    program, and the funders the session names (by identity's id where it has one, and
    by name)."""

    worker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    program_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    funder_ids: Mapped[list[uuid.UUID]] = mapped_column(_uuids())
    funder_names: Mapped[list[str]] = mapped_column(_texts())


class RptClient(Base):
    """A client profile's reportable attributes (never who they are)."""

    __tablename__ = "rpt_clients"
    __table_args__ = (
        Index("ix_rpt_clients_agency_registered", "agency_id", "registered_on"),
        Index("ix_rpt_clients_survivor", "survivor_id"),
        Index("ix_rpt_clients_merged_into", "merged_into"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(16))
    restricted: Mapped[bool] = mapped_column(Boolean)
    gender: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    age_range: Mapped[str | None] = mapped_column(Text)
    immigration_status: Mapped[str | None] = mapped_column(Text)
    immigration_category: Mapped[str | None] = mapped_column(Text)
    country_of_birth: Mapped[str | None] = mapped_column(Text)
    official_language: Mapped[str | None] = mapped_column(Text)
    other_languages: Mapped[list[str]] = mapped_column(_texts())
    target_groups: Mapped[list[str]] = mapped_column(_texts())
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(_uuids())
    registered_on: Mapped[date | None] = mapped_column(Date)
    registered_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Merges: `merged_into` is the profile this one was merged into (directly),
    # `survivor_id` the end of that chain (itself when not merged). Reports count
    # `survivor_id`, so a merged person counts once.
    merged_into: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    merge_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    survivor_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # 0: known only as the absorbed side of a merge, its profile not seen yet.
    version: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptService(Delivered, Base):
    """One service form (completed, or a draft still open) and its session."""

    __tablename__ = "rpt_services"
    __table_args__ = (
        Index("ix_rpt_services_agency_date", "agency_id", "service_date"),
        Index(
            "ix_rpt_services_agency_drafts",
            "agency_id",
            "service_date",
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the form's id
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    session_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    session_type: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str] = mapped_column(String(64))
    service_date: Mapped[date] = mapped_column(Date)
    delivery_mode: Mapped[str] = mapped_column(String(16))
    language_of_service: Mapped[str | None] = mapped_column(Text)
    client_ids: Mapped[list[uuid.UUID]] = mapped_column(_uuids())
    client_count: Mapped[int] = mapped_column(Integer)
    private: Mapped[bool] = mapped_column(Boolean)
    # "draft" (version 0) until completed; a completed form (version >= 1) is never a
    # draft again, whatever draft event arrives late.
    status: Mapped[str] = mapped_column(String(16), server_default="completed")
    version: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptGroup(Delivered, Base):
    """A group activity's attendance as it now stands."""

    __tablename__ = "rpt_groups"
    __table_args__ = (Index("ix_rpt_groups_agency_date", "agency_id", "session_date"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the session's id
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    session_type: Mapped[str] = mapped_column(String(64))
    session_date: Mapped[date] = mapped_column(Date)
    named_count: Mapped[int] = mapped_column(Integer)
    # Named attendees whose attendee form says they attended (None: no form yet).
    attended_count: Mapped[int] = mapped_column(Integer)
    anonymous_count: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptContact(Delivered, Base):
    """A client received something on a date: one row per client of a service form or
    of a group activity. "Clients served" counts these."""

    __tablename__ = "rpt_contacts"
    __table_args__ = (
        Index("ix_rpt_contacts_agency_date", "agency_id", "contact_date"),
        Index("ix_rpt_contacts_client", "client_id"),
    )

    source: Mapped[str] = mapped_column(String(16), primary_key=True)  # service | group
    source_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    contact_date: Mapped[date] = mapped_column(Date)
    session_type: Mapped[str] = mapped_column(String(64))


class RptSupport(Delivered, Base):
    """The support services one client received in one session."""

    __tablename__ = "rpt_support"
    __table_args__ = (Index("ix_rpt_support_agency_date", "agency_id", "session_date"),)

    session_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    session_date: Mapped[date] = mapped_column(Date)
    childminding: Mapped[int] = mapped_column(Integer)  # children cared for
    transportation: Mapped[bool] = mapped_column(Boolean)
    disability_support: Mapped[bool] = mapped_column(Boolean)
    translation: Mapped[bool] = mapped_column(Boolean)
    interpretation: Mapped[bool] = mapped_column(Boolean)
    crisis_counselling: Mapped[bool] = mapped_column(Boolean)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptCourse(Base):
    __tablename__ = "rpt_courses"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    code: Mapped[str] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    teacher_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # who set it up
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptEnrolment(Base):
    __tablename__ = "rpt_enrolments"
    __table_args__ = (
        Index("ix_rpt_enrolments_agency_enrolled", "agency_id", "enrolled_on"),
        Index("ix_rpt_enrolments_agency_exit", "agency_id", "exit_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    course_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    course_code: Mapped[str] = mapped_column(Text)
    program_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    enrolled_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(16))
    enrolled_on: Mapped[date] = mapped_column(Date)
    training_status: Mapped[str | None] = mapped_column(Text)
    exit_reason: Mapped[str | None] = mapped_column(Text)
    exit_date: Mapped[date | None] = mapped_column(Date)
    listening_clb: Mapped[str | None] = mapped_column(Text)
    speaking_clb: Mapped[str | None] = mapped_column(Text)
    reading_clb: Mapped[str | None] = mapped_column(Text)
    writing_clb: Mapped[str | None] = mapped_column(Text)
    certificate_issued: Mapped[bool | None] = mapped_column(Boolean)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptCourseClass(Base):
    """One class date of a course whose attendance was taken (ordering of retakes)."""

    __tablename__ = "rpt_course_classes"

    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    class_date: Mapped[date] = mapped_column(Date, primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptAttendance(Base):
    """One attendance mark: a client at one class of a course."""

    __tablename__ = "rpt_attendance"
    __table_args__ = (Index("ix_rpt_attendance_agency_date", "agency_id", "class_date"),)

    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    class_date: Mapped[date] = mapped_column(Date, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    course_code: Mapped[str] = mapped_column(Text)
    program_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    worker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # who took it
    status: Mapped[str] = mapped_column(String(16))
    hours_attended: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))


class RptReferral(Base):
    __tablename__ = "rpt_referrals"
    __table_args__ = (Index("ix_rpt_referrals_agency_created", "agency_id", "created_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(16))
    to_program_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    partner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    partner_name: Mapped[str | None] = mapped_column(Text)
    need: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(Text)
    referred_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    program_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptTask(Base):
    """A task (follow-up work on a client, assigned to a worker): who, which program,
    when due and where it stands; never its title, description or comments."""

    __tablename__ = "rpt_tasks"
    __table_args__ = (
        Index("ix_rpt_tasks_agency_created", "agency_id", "created_on"),
        Index("ix_rpt_tasks_agency_assignee", "agency_id", "assignee_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    form_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    session_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    assignee_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    program_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    private: Mapped[bool] = mapped_column(Boolean)
    created_on: Mapped[date] = mapped_column(Date)
    # The day it was done or cancelled, while it is (None when open or in progress).
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptAttachment(Base):
    """A file attached to a profile or a form: its existence only (no name, no content)."""

    __tablename__ = "rpt_attachments"
    __table_args__ = (Index("ix_rpt_attachments_agency_added", "agency_id", "added_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    on_form: Mapped[bool] = mapped_column(Boolean)
    content_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    added_on: Mapped[date] = mapped_column(Date)
    removed: Mapped[bool] = mapped_column(Boolean)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptProgram(Base):
    __tablename__ = "rpt_programs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptStaff(Base):
    """Staff members, to name the workers in reports (staff, not clients)."""

    __tablename__ = "rpt_staff"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    given_name: Mapped[str] = mapped_column(Text)
    family_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(_uuids())
    active: Mapped[bool] = mapped_column(Boolean)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RptAgreement(Base):
    """A funding agreement: which funder funds which programs over which dates."""

    __tablename__ = "rpt_agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    funder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    funder_code: Mapped[str] = mapped_column(Text)
    funder_name: Mapped[str] = mapped_column(Text)
    agreement_number: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(_uuids())
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


TENANT_TABLES: tuple[str, ...] = (
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
    "rpt_tasks",
    "rpt_attachments",
    "rpt_programs",
    "rpt_staff",
    "rpt_agreements",
)
