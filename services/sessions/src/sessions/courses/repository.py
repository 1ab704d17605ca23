import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, delete, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.courses.models import CourseAttendance, CourseEnrolment, LanguageCourse

ATTENDED = ("present", "late")


async def add(db: AsyncSession, *rows: LanguageCourse | CourseEnrolment) -> None:
    db.add_all(rows)
    await flush(db)


async def save(db: AsyncSession) -> None:
    """Write the pending changes of loaded rows now."""
    await flush(db)


def _visible(user_id: uuid.UUID, programs: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """Courses of the user's programs, and those they set up."""
    in_programs = LanguageCourse.program_id.in_(set(programs)) if programs else false()
    return or_(LanguageCourse.created_by == user_id, in_programs)


async def visible_course(
    db: AsyncSession,
    agency_id: uuid.UUID,
    course_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    programs: Collection[uuid.UUID],
    lock: bool = False,
) -> LanguageCourse | None:
    """The course if the user may see it; `lock`: locked until the transaction ends and
    read afresh, so enrolments, exits and attendance of one course apply in turn."""
    query = select(LanguageCourse).where(
        LanguageCourse.agency_id == agency_id,
        LanguageCourse.id == course_id,
        _visible(user_id, programs),
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await db.scalars(query)).one_or_none()


async def visible_courses(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    programs: Collection[uuid.UUID],
    program_id: uuid.UUID | None,
    code: str | None,
    limit: int,
    offset: int,
) -> list[LanguageCourse]:
    """The courses this user may see, latest start first."""
    query = select(LanguageCourse).where(
        LanguageCourse.agency_id == agency_id, _visible(user_id, programs)
    )
    if program_id is not None:
        query = query.where(LanguageCourse.program_id == program_id)
    if code is not None:
        query = query.where(func.lower(LanguageCourse.code) == code.lower())
    query = (
        query.order_by(LanguageCourse.start_date.desc(), LanguageCourse.code, LanguageCourse.id)
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(query))


async def enrolled_counts(
    db: AsyncSession, agency_id: uuid.UUID, course_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Clients enrolled and not exited, per course (the spots they take)."""
    if not course_ids:
        return {}
    query = (
        select(CourseEnrolment.course_id, func.count())
        .where(
            CourseEnrolment.agency_id == agency_id,
            CourseEnrolment.course_id.in_(list(course_ids)),
            CourseEnrolment.status == "enrolled",
        )
        .group_by(CourseEnrolment.course_id)
    )
    counts: dict[uuid.UUID, int] = dict((await db.execute(query)).all())
    return counts


async def enrolment(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID, client_id: uuid.UUID
) -> CourseEnrolment | None:
    query = select(CourseEnrolment).where(
        CourseEnrolment.agency_id == agency_id,
        CourseEnrolment.course_id == course_id,
        CourseEnrolment.client_id == client_id,
    )
    return (await db.scalars(query)).one_or_none()


async def enrolments(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID
) -> list[CourseEnrolment]:
    query = (
        select(CourseEnrolment)
        .where(CourseEnrolment.agency_id == agency_id, CourseEnrolment.course_id == course_id)
        .order_by(CourseEnrolment.enrolled_at, CourseEnrolment.id)
    )
    return list(await db.scalars(query))


async def class_marks(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID, class_date: dt.date
) -> list[CourseAttendance]:
    query = select(CourseAttendance).where(
        CourseAttendance.agency_id == agency_id,
        CourseAttendance.course_id == course_id,
        CourseAttendance.class_date == class_date,
    )
    return list(await db.scalars(query))


async def replace_marks(
    db: AsyncSession,
    agency_id: uuid.UUID,
    course_id: uuid.UUID,
    class_date: dt.date,
    marks: Sequence[CourseAttendance],
) -> None:
    """The class's marks become `marks` (taking attendance again replaces it)."""
    await db.execute(
        delete(CourseAttendance).where(
            CourseAttendance.agency_id == agency_id,
            CourseAttendance.course_id == course_id,
            CourseAttendance.class_date == class_date,
        )
    )
    db.add_all(marks)
    await flush(db)


def _attended() -> ColumnElement[int]:
    return func.count().filter(CourseAttendance.status.in_(ATTENDED))


async def client_stats(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID
) -> dict[uuid.UUID, tuple[int, int, Decimal]]:
    """Per client: (classes marked, classes attended, hours attended)."""
    hours = func.coalesce(func.sum(CourseAttendance.hours_attended), 0)
    query = (
        select(CourseAttendance.client_id, func.count(), _attended(), hours)
        .where(CourseAttendance.agency_id == agency_id, CourseAttendance.course_id == course_id)
        .group_by(CourseAttendance.client_id)
    )
    rows = (await db.execute(query)).all()
    return {c: (marked, attended, Decimal(h or 0)) for c, marked, attended, h in rows}


async def class_stats(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID
) -> list[tuple[dt.date, dict[str, int]]]:
    """Per class date, in order: how many of each mark."""
    query = (
        select(CourseAttendance.class_date, CourseAttendance.status, func.count())
        .where(CourseAttendance.agency_id == agency_id, CourseAttendance.course_id == course_id)
        .group_by(CourseAttendance.class_date, CourseAttendance.status)
        .order_by(CourseAttendance.class_date)
    )
    per_class: dict[dt.date, dict[str, int]] = {}
    for class_date, status, count in (await db.execute(query)).all():
        per_class.setdefault(class_date, {})[status] = count
    return list(per_class.items())


async def attendance_bounds(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID
) -> tuple[dt.date | None, dt.date | None]:
    """The first and the last class date with attendance taken."""
    query = select(func.min(CourseAttendance.class_date), func.max(CourseAttendance.class_date))
    query = query.where(
        CourseAttendance.agency_id == agency_id, CourseAttendance.course_id == course_id
    )
    first, last = (await db.execute(query)).one()
    return first, last


async def last_attended(
    db: AsyncSession, agency_id: uuid.UUID, course_id: uuid.UUID, client_id: uuid.UUID
) -> dt.date | None:
    """The last class the client attended (present or late)."""
    query = select(func.max(CourseAttendance.class_date)).where(
        CourseAttendance.agency_id == agency_id,
        CourseAttendance.course_id == course_id,
        CourseAttendance.client_id == client_id,
        CourseAttendance.status.in_(ATTENDED),
    )
    result: dt.date | None = await db.scalar(query)
    return result
