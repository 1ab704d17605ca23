"""A course set up and amended with its Course Open form; read and listed."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import CourseOpened, CourseRecord, CourseUpdated
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Forbidden, Invalid
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.courses import repository as repo
from sessions.courses.models import COURSE_CODE_UNIQUE, LanguageCourse
from sessions.courses.schemas import CourseCreate, CourseOut, CoursePage, CourseUpdate
from sessions.courses.service.access import audit, visible_course
from sessions.courses.service.dates import as_date
from sessions.forms import catalog, owned
from sessions.groups.answers import validate_form, versions_out, with_version

log = get_logger()

# The course's own form, recorded here only (`sessions.forms.owned`).
COURSE_FORM = owned.COURSE_OPEN


def _course_fields(answers: dict[str, Any]) -> dict[str, Any]:
    """Code, teacher, spots and dates, read from a validated Course Open form."""
    start, end = as_date(answers["start_dt"]), as_date(answers["end_dt"])
    if end < start:
        raise Invalid("answers.end_dt", "the course cannot end before it starts")
    capacity = int(answers["total_spots_num"])
    funded = answers.get("total_cic_funded_spots_num")
    if funded is not None and int(funded) > capacity:
        raise Invalid(
            "answers.total_cic_funded_spots_num",
            f"more IRCC-funded spots than the course's {capacity} spots",
        )
    return {
        "code": str(answers["course_cd"]).strip(),
        "teacher": str(answers["teacher_name"]).strip(),
        "capacity": capacity,
        "start_date": start,
        "end_date": end,
    }


def _course_out(course: LanguageCourse, enrolled: int) -> CourseOut:
    return CourseOut(
        id=course.id,
        program_id=course.program_id,
        code=course.code,
        teacher=course.teacher,
        capacity=course.capacity,
        start_date=course.start_date,
        end_date=course.end_date,
        definition_version=course.definition_version,
        answers=course.answers,
        enrolled_count=enrolled,
        spots_left=max(course.capacity - enrolled, 0),
        created_by=course.created_by,
        created_at=course.created_at,
        updated_by=course.updated_by,
        updated_at=course.updated_at,
        versions=versions_out(course.versions),
    )


async def _course_out_now(db: AsyncSession, course: LanguageCourse) -> CourseOut:
    counts = await repo.enrolled_counts(db, course.agency_id, [course.id])
    return _course_out(course, counts.get(course.id, 0))


def _code_taken() -> Conflict:
    return Conflict(
        "another course of the agency has this code",
        code="course_code_taken",
        fields=[{"field": "answers.course_cd", "message": "already the code of another course"}],
    )


async def open_course(db: AsyncSession, actor: Principal, data: CourseCreate) -> CourseOut:
    if data.program_id not in actor.programs:
        raise Forbidden("you can only set up courses in your own programs")
    definition = catalog.definition(COURSE_FORM)
    answers = validate_form(definition, data.answers, draft=False)
    fields = _course_fields(answers)
    now = utcnow()
    course = LanguageCourse(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        program_id=data.program_id,
        definition_version=definition.version,
        answers=answers,
        versions=with_version(
            [],
            definition_version=definition.version,
            answers=answers,
            saved_by=actor.user_id,
            saved_at=now,
            reason=None,
        ),
        created_by=actor.user_id,
        created_at=now,
        updated_by=actor.user_id,
        updated_at=now,
        **fields,
    )
    try:
        await repo.add(db, course)
    except ConstraintViolation as exc:
        if exc.constraint == COURSE_CODE_UNIQUE:
            raise _code_taken() from exc
        raise
    result = _course_out(course, 0)
    await audit(db, actor, "course.opened", course.id, program_id=str(course.program_id))
    await add_event(
        db,
        CourseOpened(
            agency_id=course.agency_id, course=CourseRecord.model_validate(result.model_dump())
        ),
    )
    log.info("course.opened", course_id=str(course.id), program_id=str(course.program_id))
    return result


async def update_course(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID, data: CourseUpdate
) -> CourseOut:
    """The Course Open form amended, whole; every earlier version is kept."""
    course = await visible_course(db, actor, course_id, lock=True)
    definition = catalog.definition(COURSE_FORM)
    answers = validate_form(definition, data.answers, draft=False, previous=course.answers)
    fields = _course_fields(answers)
    enrolled = (await repo.enrolled_counts(db, actor.agency_id, [course.id])).get(course.id, 0)
    if fields["capacity"] < enrolled:
        raise Conflict(
            f"{enrolled} clients are enrolled: the course needs at least as many spots",
            code="spots_below_enrolment",
            fields=[
                {
                    "field": "answers.total_spots_num",
                    "message": f"fewer than the {enrolled} enrolled",
                }
            ],
        )
    first, last = await repo.attendance_bounds(db, actor.agency_id, course.id)
    if first is not None and first < fields["start_date"]:
        raise Invalid("answers.start_dt", f"attendance was taken on {first}, before this date")
    if last is not None and last > fields["end_date"]:
        raise Invalid("answers.end_dt", f"attendance was taken on {last}, after this date")
    now = utcnow()
    for name, value in fields.items():
        setattr(course, name, value)
    course.definition_version = definition.version
    course.answers = answers
    course.versions = with_version(
        course.versions,
        definition_version=definition.version,
        answers=answers,
        saved_by=actor.user_id,
        saved_at=now,
        reason=data.reason,
    )
    course.updated_by, course.updated_at = actor.user_id, now
    try:
        await repo.save(db)
    except ConstraintViolation as exc:
        if exc.constraint == COURSE_CODE_UNIQUE:
            raise _code_taken() from exc
        raise
    result = _course_out(course, enrolled)
    await audit(db, actor, "course.updated", course.id, version=len(course.versions))
    await add_event(
        db,
        CourseUpdated(
            agency_id=course.agency_id, course=CourseRecord.model_validate(result.model_dump())
        ),
    )
    log.info("course.updated", course_id=str(course.id))
    return result


async def get_course(db: AsyncSession, actor: Principal, course_id: uuid.UUID) -> CourseOut:
    course = await visible_course(db, actor, course_id)
    await audit(db, actor, "course.viewed", course.id)
    return await _course_out_now(db, course)


async def list_courses(
    db: AsyncSession,
    actor: Principal,
    *,
    program_id: uuid.UUID | None,
    code: str | None,
    limit: int,
    offset: int,
) -> CoursePage:
    courses = await repo.visible_courses(
        db,
        actor.agency_id,
        user_id=actor.user_id,
        programs=actor.programs,
        program_id=program_id,
        code=code,
        limit=limit + 1,
        offset=offset,
    )
    page = courses[:limit]
    counts = await repo.enrolled_counts(db, actor.agency_id, [c.id for c in page])
    await audit(db, actor, "course.listed", None, count=len(page))
    return CoursePage(
        items=[_course_out(c, counts.get(c.id, 0)) for c in page],
        next_offset=offset + limit if len(courses) > limit else None,
    )
