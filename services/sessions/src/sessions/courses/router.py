import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from kit.db import DbSession
from sessions.courses.schemas import (
    AttendanceSummaryOut,
    AttendanceTake,
    ClassAttendanceOut,
    CourseCreate,
    CourseOut,
    CoursePage,
    CourseUpdate,
    EnrolmentCreate,
    EnrolmentFormSave,
    EnrolmentOut,
    ExitSave,
    RosterOut,
)
from sessions.courses.service import attendance, enrolments, exits, setup
from sessions.courses.service import roster as rosters
from sessions.deps import Settings, Staff

router = APIRouter(prefix="/courses", tags=["language courses"])

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


@router.post("", status_code=201)
async def open_course(body: CourseCreate, db: DbSession, actor: Staff) -> CourseOut:
    """Set up a course with its Course Open form; the course code is unique in the agency."""
    return await setup.open_course(db, actor, body)


@router.get("")
async def list_courses(
    db: DbSession,
    actor: Staff,
    program_id: uuid.UUID | None = None,
    code: Annotated[Code | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> CoursePage:
    return await setup.list_courses(
        db, actor, program_id=program_id, code=code, limit=limit, offset=offset
    )


@router.get("/{course_id}")
async def get_course(course_id: uuid.UUID, db: DbSession, actor: Staff) -> CourseOut:
    return await setup.get_course(db, actor, course_id)


@router.put("/{course_id}")
async def update_course(
    course_id: uuid.UUID, body: CourseUpdate, db: DbSession, actor: Staff
) -> CourseOut:
    """Amend the Course Open form (whole); every earlier version is kept."""
    return await setup.update_course(db, actor, course_id, body)


@router.get("/{course_id}/roster")
async def roster(course_id: uuid.UUID, db: DbSession, actor: Staff) -> RosterOut:
    """The clients enrolled (and exited), each with their attendance rate, and the
    course's overall rate."""
    return await rosters.roster(db, actor, course_id)


@router.post("/{course_id}/enrolments", status_code=201)
async def enrol(
    course_id: uuid.UUID, body: EnrolmentCreate, db: DbSession, actor: Staff, settings: Settings
) -> EnrolmentOut:
    """Enrol a client with their Enrolment form: 409 when the course is full or the
    client is enrolled already."""
    return await enrolments.enrol(db, actor, course_id, body, wait=settings.copy_wait_seconds)


@router.get("/{course_id}/enrolments/{client_id}")
async def get_enrolment(
    course_id: uuid.UUID, client_id: uuid.UUID, db: DbSession, actor: Staff
) -> EnrolmentOut:
    return await enrolments.get_enrolment(db, actor, course_id, client_id)


@router.put("/{course_id}/enrolments/{client_id}")
async def save_enrolment_form(
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    body: EnrolmentFormSave,
    db: DbSession,
    actor: Staff,
) -> EnrolmentOut:
    """Complete a draft Enrolment form, or amend a completed one (`reason`)."""
    return await enrolments.save_enrolment_form(db, actor, course_id, client_id, body)


@router.put("/{course_id}/enrolments/{client_id}/exit")
async def exit_client(
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    body: ExitSave,
    db: DbSession,
    actor: Staff,
) -> EnrolmentOut:
    """The client's exit (the Exit form); again with a `reason` to amend it."""
    return await exits.exit_client(db, actor, course_id, client_id, body)


@router.get("/{course_id}/attendance")
async def attendance_summary(
    course_id: uuid.UUID, db: DbSession, actor: Staff
) -> AttendanceSummaryOut:
    """Every class with attendance taken, and the course's attendance rate."""
    return await attendance.attendance_summary(db, actor, course_id)


@router.put("/{course_id}/attendance/{class_date}")
async def take_attendance(
    course_id: uuid.UUID,
    class_date: dt.date,
    body: AttendanceTake,
    db: DbSession,
    actor: Staff,
) -> ClassAttendanceOut:
    """The whole class at once: every client on the class list that day in one of
    `present`, `absent`, `excused`, `late`. Taking it again replaces it."""
    return await attendance.take_attendance(db, actor, course_id, class_date, body)


@router.get("/{course_id}/attendance/{class_date}")
async def get_class(
    course_id: uuid.UUID, class_date: dt.date, db: DbSession, actor: Staff
) -> ClassAttendanceOut:
    return await attendance.get_class(db, actor, course_id, class_date)
