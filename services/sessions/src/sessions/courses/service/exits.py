"""A client's exit from a course (the Exit form), recorded or amended."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import CourseEnrolmentExited
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Invalid
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.courses import repository as repo
from sessions.courses.schemas import EnrolmentOut, ExitSave
from sessions.courses.service.access import audit, visible_course
from sessions.courses.service.dates import as_date
from sessions.courses.service.enrolments import (
    enrolment_of,
    enrolment_out,
    enrolment_record,
    with_course_code,
)
from sessions.forms import catalog, owned
from sessions.groups.answers import check_amendment, validate_form, with_version

log = get_logger()

EXIT_FORM = owned.COURSE_EXIT


async def exit_client(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    data: ExitSave,
) -> EnrolmentOut:
    """Record the client's exit (the Exit form), or amend a recorded one."""
    course = await visible_course(db, actor, course_id, lock=True)
    enrolment = await enrolment_of(db, actor, course, client_id)
    exited_before = enrolment.status == "exited"
    check_amendment(completed_before=exited_before, draft=False, reason=data.reason)
    definition = catalog.definition(EXIT_FORM)
    answers = validate_form(
        definition,
        with_course_code(course, data.answers),
        draft=False,
        previous=enrolment.exit_answers if exited_before else None,
    )
    now = utcnow()
    given = answers.get("exit_course_dt")
    exit_date = as_date(given) if given is not None else now.date()
    started = enrolment.first_class_date or course.start_date
    if given is not None and exit_date < started:
        raise Invalid("answers.exit_course_dt", f"before the client's first class ({started})")
    attended = await repo.last_attended(db, actor.agency_id, course.id, client_id)
    if attended is not None and attended > exit_date:
        raise Invalid(
            "answers.exit_course_dt",
            f"the client attended the class of {attended}, after the exit date {exit_date}",
        )
    enrolment.status = "exited"
    enrolment.exit_definition_version = definition.version
    enrolment.exit_answers = answers
    enrolment.training_status = str(answers["training_status_id"])
    enrolment.exit_date = exit_date
    enrolment.exited_by, enrolment.exited_at = actor.user_id, now
    enrolment.exit_versions = with_version(
        enrolment.exit_versions,
        definition_version=definition.version,
        answers=answers,
        saved_by=actor.user_id,
        saved_at=now,
        reason=data.reason if exited_before else None,
    )
    await repo.save(db)
    result = enrolment_out(course, enrolment)
    action = "course.exit.amended" if exited_before else "course.client.exited"
    await audit(db, actor, action, course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentExited(agency_id=course.agency_id, enrolment=enrolment_record(result))
    )
    log.info(action, course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result
