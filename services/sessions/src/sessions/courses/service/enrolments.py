"""Clients enrolled with their Enrolment form: never over the course's spots, never
twice; a draft form completed, a completed one amended."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import CourseEnrolmentRecord, CourseEnrolmentRecorded
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.clients_copy.service import require_clients
from sessions.courses import repository as repo
from sessions.courses.models import CourseEnrolment, LanguageCourse
from sessions.courses.schemas import (
    EnrolmentCreate,
    EnrolmentFormOut,
    EnrolmentFormSave,
    EnrolmentOut,
    ExitOut,
)
from sessions.courses.service.access import audit, visible_course
from sessions.courses.service.dates import as_date, within_course
from sessions.forms import catalog, owned
from sessions.groups.answers import check_amendment, validate_form, versions_out, with_version

log = get_logger()

ENROLMENT_FORM = owned.COURSE_ENROLMENT

ENROLMENT_UNIQUE = "uq_course_enrolments_course_id_client_id"


def with_course_code(course: LanguageCourse, answers: dict[str, Any]) -> dict[str, Any]:
    """The form's course code is the course's own: filled in when left out, and refused
    when it names another course."""
    given = answers.get("course_cd")
    if given is None or (isinstance(given, str) and not given.strip()):
        return {**answers, "course_cd": course.code}
    if not isinstance(given, str) or given.strip().lower() != course.code.lower():
        raise Invalid("answers.course_cd", f"this course's code is {course.code}")
    return {**answers, "course_cd": course.code}


def enrolment_out(course: LanguageCourse, e: CourseEnrolment) -> EnrolmentOut:
    exit_ = None
    if e.status == "exited":
        assert e.exit_definition_version is not None and e.exit_answers is not None
        assert e.training_status is not None and e.exit_date is not None
        assert e.exited_by is not None and e.exited_at is not None
        exit_ = ExitOut(
            definition_version=e.exit_definition_version,
            answers=e.exit_answers,
            training_status=e.training_status,
            exit_date=e.exit_date,
            exited_by=e.exited_by,
            exited_at=e.exited_at,
            versions=versions_out(e.exit_versions),
        )
    return EnrolmentOut(
        id=e.id,
        course_id=course.id,
        course_code=course.code,
        program_id=course.program_id,
        client_id=e.client_id,
        status="exited" if e.status == "exited" else "enrolled",
        enrolled_by=e.enrolled_by,
        enrolled_at=e.enrolled_at,
        first_class_date=e.first_class_date,
        form=EnrolmentFormOut(
            definition_version=e.definition_version,
            status="completed" if e.form_status == "completed" else "draft",
            answers=e.answers,
            updated_by=e.form_updated_by,
            updated_at=e.form_updated_at,
            completed_at=e.form_completed_at,
            versions=versions_out(e.form_versions),
        ),
        exit=exit_,
    )


def enrolment_record(out: EnrolmentOut) -> CourseEnrolmentRecord:
    return CourseEnrolmentRecord.model_validate(out.model_dump())


def _enrolment_answers(
    course: LanguageCourse,
    answers: dict[str, Any],
    *,
    draft: bool,
    previous: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any], dt.date | None]:
    definition = catalog.definition(ENROLMENT_FORM)
    validated = validate_form(
        definition, with_course_code(course, answers), draft=draft, previous=previous
    )
    first = validated.get("first_class_dt")
    first_class = as_date(first) if first is not None else None
    if first_class is not None:
        within_course(course, first_class, "answers.first_class_dt", "the first class")
    return definition.version, validated, first_class


async def enrol(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    data: EnrolmentCreate,
    *,
    wait: float = 0.0,
) -> EnrolmentOut:
    course = await visible_course(db, actor, course_id, lock=True)
    # The agency's clients only (a merged profile's id stands for its survivor).
    [client_id] = await require_clients(
        db, actor.agency_id, [data.client_id], field="client_id", wait=wait
    )
    if await repo.enrolment(db, actor.agency_id, course.id, client_id) is not None:
        raise _already_enrolled()
    enrolled = (await repo.enrolled_counts(db, actor.agency_id, [course.id])).get(course.id, 0)
    if enrolled >= course.capacity:
        raise Conflict(
            f"the course is full: its {course.capacity} spots are taken",
            code="course_full",
            fields=[{"field": "client_id", "message": "no spot left in the course"}],
        )
    version, answers, first_class = _enrolment_answers(course, data.answers, draft=data.draft)
    now = utcnow()
    enrolment = CourseEnrolment(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        course_id=course.id,
        client_id=client_id,
        status="enrolled",
        enrolled_by=actor.user_id,
        enrolled_at=now,
        first_class_date=first_class,
        definition_version=version,
        answers=answers,
        form_status="draft" if data.draft else "completed",
        form_updated_by=actor.user_id,
        form_updated_at=now,
        form_completed_at=None if data.draft else now,
        form_versions=[]
        if data.draft
        else with_version(
            [],
            definition_version=version,
            answers=answers,
            saved_by=actor.user_id,
            saved_at=now,
            reason=None,
        ),
        exit_versions=[],
    )
    try:
        await repo.add(db, enrolment)
    except ConstraintViolation as exc:
        if exc.constraint == ENROLMENT_UNIQUE:
            raise _already_enrolled() from exc
        raise
    result = enrolment_out(course, enrolment)
    await audit(db, actor, "course.client.enrolled", course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentRecorded(agency_id=course.agency_id, enrolment=enrolment_record(result))
    )
    log.info("course.client.enrolled", course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result


def _already_enrolled() -> Conflict:
    return Conflict(
        "this client is already enrolled in the course",
        code="already_enrolled",
        fields=[{"field": "client_id", "message": "already enrolled in this course"}],
    )


async def enrolment_of(
    db: AsyncSession, actor: Principal, course: LanguageCourse, client_id: uuid.UUID
) -> CourseEnrolment:
    enrolment = await repo.enrolment(db, actor.agency_id, course.id, client_id)
    if enrolment is None:
        raise NotFound("this client is not enrolled in the course")
    return enrolment


async def get_enrolment(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID, client_id: uuid.UUID
) -> EnrolmentOut:
    course = await visible_course(db, actor, course_id)
    enrolment = await enrolment_of(db, actor, course, client_id)
    await audit(db, actor, "course.enrolment.viewed", course.id, client_id=str(client_id))
    return enrolment_out(course, enrolment)


async def save_enrolment_form(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    data: EnrolmentFormSave,
) -> EnrolmentOut:
    """Complete a draft Enrolment form, or amend a completed one."""
    course = await visible_course(db, actor, course_id, lock=True)
    enrolment = await enrolment_of(db, actor, course, client_id)
    completed_before = enrolment.form_status == "completed"
    check_amendment(completed_before=completed_before, draft=data.draft, reason=data.reason)
    version, answers, first_class = _enrolment_answers(
        course,
        data.answers,
        draft=data.draft,
        previous=enrolment.answers if completed_before else None,
    )
    now = utcnow()
    enrolment.definition_version = version
    enrolment.answers = answers
    enrolment.first_class_date = first_class
    enrolment.form_status = "draft" if data.draft else "completed"
    enrolment.form_updated_by, enrolment.form_updated_at = actor.user_id, now
    if not data.draft:
        enrolment.form_completed_at = enrolment.form_completed_at or now
        enrolment.form_versions = with_version(
            enrolment.form_versions,
            definition_version=version,
            answers=answers,
            saved_by=actor.user_id,
            saved_at=now,
            reason=data.reason if completed_before else None,
        )
    await repo.save(db)
    result = enrolment_out(course, enrolment)
    action = "course.enrolment.amended" if completed_before else "course.enrolment.saved"
    await audit(db, actor, action, course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentRecorded(agency_id=course.agency_id, enrolment=enrolment_record(result))
    )
    log.info(action, course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result
