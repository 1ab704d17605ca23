"""A language course, its enrolled clients and the attendance of each class.

The course is its Course Open form (`answers`); code, teacher, spots and dates are read
from the answers into columns for uniqueness, capacity and date checks.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class LanguageCourse(Base):
    __tablename__ = "language_courses"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(index=True)
    code: Mapped[str] = mapped_column(Text)
    teacher: Mapped[str] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    definition_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # [{version, definition_version, answers, saved_by, saved_at, reason}], oldest first.
    versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[uuid.UUID]
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# A course code is unique in the agency, whatever its case.
COURSE_CODE_UNIQUE = "uq_language_courses_agency_code"
Index(
    COURSE_CODE_UNIQUE,
    LanguageCourse.agency_id,
    func.lower(LanguageCourse.code),
    unique=True,
)


class CourseEnrolment(Base):
    __tablename__ = "course_enrolments"
    __table_args__ = (UniqueConstraint("course_id", "client_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("language_courses.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16))  # enrolled | exited
    enrolled_by: Mapped[uuid.UUID]
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_class_date: Mapped[dt.date | None] = mapped_column(Date)
    # The Enrolment form.
    definition_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    form_status: Mapped[str] = mapped_column(String(16))  # draft | completed
    form_updated_by: Mapped[uuid.UUID]
    form_updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    form_completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    form_versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # The Exit form, once the client exits.
    exit_definition_version: Mapped[int | None] = mapped_column(Integer)
    exit_answers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    training_status: Mapped[str | None] = mapped_column(String(64))
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    exited_by: Mapped[uuid.UUID | None]
    exited_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    exit_versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class CourseAttendance(Base):
    """One client's mark for one class date."""

    __tablename__ = "course_attendance"
    __table_args__ = (
        # Only an enrolled client has a mark.
        ForeignKeyConstraint(
            ["course_id", "client_id"],
            ["course_enrolments.course_id", "course_enrolments.client_id"],
            name="fk_course_attendance_enrolment",
            ondelete="CASCADE",
        ),
        Index("ix_course_attendance_course_client", "course_id", "client_id"),
    )

    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("language_courses.id", ondelete="CASCADE"), primary_key=True
    )
    class_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16))  # present | absent | excused | late
    hours_attended: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    definition_version: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[uuid.UUID]
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
