"""Language courses: set up with the Course Open form, clients enrolled with the
Enrolment form (never over the course's spots, never twice), attendance taken for a
whole class at once per class date, exit per client with the Exit form, and the
course's roster and attendance rate.

A course belongs to a program: it is seen and changed by the program's members (and
whoever set it up); anyone else is told it does not exist. Every change publishes the
whole record (`sessions.course.opened.v1` / `.updated.v1`,
`sessions.course_enrolment.recorded.v1` / `.exited.v1`,
`sessions.course_attendance.recorded.v1`).
"""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import (
    AttendanceMark,
    CourseAttendanceRecorded,
    CourseEnrolmentExited,
    CourseEnrolmentRecord,
    CourseEnrolmentRecorded,
    CourseOpened,
    CourseRecord,
    CourseUpdated,
)
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.clients_copy.service import require_clients
from sessions.courses import repository as repo
from sessions.courses.models import (
    COURSE_CODE_UNIQUE,
    CourseAttendance,
    CourseEnrolment,
    LanguageCourse,
)
from sessions.courses.schemas import (
    AttendanceMarkOut,
    AttendanceStatus,
    AttendanceSummaryOut,
    AttendanceTake,
    ClassAttendanceOut,
    ClassSummary,
    CourseCreate,
    CourseOut,
    CoursePage,
    CourseUpdate,
    EnrolmentCreate,
    EnrolmentFormOut,
    EnrolmentFormSave,
    EnrolmentOut,
    ExitOut,
    ExitSave,
    RosterEntry,
    RosterOut,
)
from sessions.forms import catalog, owned
from sessions.groups.answers import check_amendment, validate_form, versions_out, with_version

log = get_logger()
ENTITY = "course"

# The course's forms, recorded here only (`sessions.forms.owned`).
COURSE_FORM = owned.COURSE_OPEN
ENROLMENT_FORM = owned.COURSE_ENROLMENT
ATTENDANCE_FORM = owned.COURSE_ATTENDANCE
EXIT_FORM = owned.COURSE_EXIT
STATUSES: tuple[AttendanceStatus, ...] = ("present", "absent", "excused", "late")
ENROLMENT_UNIQUE = "uq_course_enrolments_course_id_client_id"


class Refused(DomainError):
    """Several fields refused at once (each named)."""

    status_code = 422
    code = "invalid"


async def _audit(
    db: AsyncSession, actor: Principal, action: str, course_id: uuid.UUID | None, **detail: Any
) -> None:
    await record_audit(
        db,
        action=action,
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type=ENTITY,
        entity_id=course_id,
        detail=detail,
    )


def _rate(attended: int, marked: int) -> float | None:
    return round(attended / marked, 4) if marked else None


# --- the course -----------------------------------------------------------------------


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _course_fields(answers: dict[str, Any]) -> dict[str, Any]:
    """Code, teacher, spots and dates, read from a validated Course Open form."""
    start, end = _date(answers["start_dt"]), _date(answers["end_dt"])
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


async def _visible_course(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID, *, lock: bool = False
) -> LanguageCourse:
    course = await repo.visible_course(
        db,
        actor.agency_id,
        course_id,
        user_id=actor.user_id,
        programs=actor.programs,
        lock=lock,
    )
    if course is None:
        raise NotFound("no such course")
    return course


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
    await _audit(db, actor, "course.opened", course.id, program_id=str(course.program_id))
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
    course = await _visible_course(db, actor, course_id, lock=True)
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
    await _audit(db, actor, "course.updated", course.id, version=len(course.versions))
    await add_event(
        db,
        CourseUpdated(
            agency_id=course.agency_id, course=CourseRecord.model_validate(result.model_dump())
        ),
    )
    log.info("course.updated", course_id=str(course.id))
    return result


async def get_course(db: AsyncSession, actor: Principal, course_id: uuid.UUID) -> CourseOut:
    course = await _visible_course(db, actor, course_id)
    await _audit(db, actor, "course.viewed", course.id)
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
    await _audit(db, actor, "course.listed", None, count=len(page))
    return CoursePage(
        items=[_course_out(c, counts.get(c.id, 0)) for c in page],
        next_offset=offset + limit if len(courses) > limit else None,
    )


# --- enrolment and exit ---------------------------------------------------------------


def _with_course_code(course: LanguageCourse, answers: dict[str, Any]) -> dict[str, Any]:
    """The form's course code is the course's own: filled in when left out, and refused
    when it names another course."""
    given = answers.get("course_cd")
    if given is None or (isinstance(given, str) and not given.strip()):
        return {**answers, "course_cd": course.code}
    if not isinstance(given, str) or given.strip().lower() != course.code.lower():
        raise Invalid("answers.course_cd", f"this course's code is {course.code}")
    return {**answers, "course_cd": course.code}


def _in_course(course: LanguageCourse, day: dt.date, field: str, what: str) -> None:
    if not course.start_date <= day <= course.end_date:
        raise Invalid(
            field, f"{what} is outside the course ({course.start_date} to {course.end_date})"
        )


def _enrolment_out(course: LanguageCourse, e: CourseEnrolment) -> EnrolmentOut:
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


def _record(out: EnrolmentOut) -> CourseEnrolmentRecord:
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
        definition, _with_course_code(course, answers), draft=draft, previous=previous
    )
    first = validated.get("first_class_dt")
    first_class = _date(first) if first is not None else None
    if first_class is not None:
        _in_course(course, first_class, "answers.first_class_dt", "the first class")
    return definition.version, validated, first_class


async def enrol(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    data: EnrolmentCreate,
    *,
    wait: float = 0.0,
) -> EnrolmentOut:
    course = await _visible_course(db, actor, course_id, lock=True)
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
    result = _enrolment_out(course, enrolment)
    await _audit(db, actor, "course.client.enrolled", course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentRecorded(agency_id=course.agency_id, enrolment=_record(result))
    )
    log.info("course.client.enrolled", course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result


def _already_enrolled() -> Conflict:
    return Conflict(
        "this client is already enrolled in the course",
        code="already_enrolled",
        fields=[{"field": "client_id", "message": "already enrolled in this course"}],
    )


async def _enrolment_of(
    db: AsyncSession, actor: Principal, course: LanguageCourse, client_id: uuid.UUID
) -> CourseEnrolment:
    enrolment = await repo.enrolment(db, actor.agency_id, course.id, client_id)
    if enrolment is None:
        raise NotFound("this client is not enrolled in the course")
    return enrolment


async def get_enrolment(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID, client_id: uuid.UUID
) -> EnrolmentOut:
    course = await _visible_course(db, actor, course_id)
    enrolment = await _enrolment_of(db, actor, course, client_id)
    await _audit(db, actor, "course.enrolment.viewed", course.id, client_id=str(client_id))
    return _enrolment_out(course, enrolment)


async def save_enrolment_form(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    data: EnrolmentFormSave,
) -> EnrolmentOut:
    """Complete a draft Enrolment form, or amend a completed one."""
    course = await _visible_course(db, actor, course_id, lock=True)
    enrolment = await _enrolment_of(db, actor, course, client_id)
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
    result = _enrolment_out(course, enrolment)
    action = "course.enrolment.amended" if completed_before else "course.enrolment.saved"
    await _audit(db, actor, action, course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentRecorded(agency_id=course.agency_id, enrolment=_record(result))
    )
    log.info(action, course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result


async def exit_client(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    client_id: uuid.UUID,
    data: ExitSave,
) -> EnrolmentOut:
    """Record the client's exit (the Exit form), or amend a recorded one."""
    course = await _visible_course(db, actor, course_id, lock=True)
    enrolment = await _enrolment_of(db, actor, course, client_id)
    exited_before = enrolment.status == "exited"
    check_amendment(completed_before=exited_before, draft=False, reason=data.reason)
    definition = catalog.definition(EXIT_FORM)
    answers = validate_form(
        definition,
        _with_course_code(course, data.answers),
        draft=False,
        previous=enrolment.exit_answers if exited_before else None,
    )
    now = utcnow()
    given = answers.get("exit_course_dt")
    exit_date = _date(given) if given is not None else now.date()
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
    result = _enrolment_out(course, enrolment)
    action = "course.exit.amended" if exited_before else "course.client.exited"
    await _audit(db, actor, action, course.id, client_id=str(client_id))
    await add_event(
        db, CourseEnrolmentExited(agency_id=course.agency_id, enrolment=_record(result))
    )
    log.info(action, course_id=str(course.id), enrolment_id=str(enrolment.id))
    return result


# --- attendance -----------------------------------------------------------------------


def _on_class_list(course: LanguageCourse, e: CourseEnrolment, day: dt.date) -> str | None:
    """None when the client belongs on the class list that day; else why not."""
    first = e.first_class_date or course.start_date
    if day < first:
        return f"the client's first class is {first}"
    if e.exit_date is not None and day > e.exit_date:
        return f"the client exited the course on {e.exit_date}"
    return None


def _class_out(
    course: LanguageCourse, class_date: dt.date, marks: list[CourseAttendance]
) -> ClassAttendanceOut:
    order: dict[str, int] = {s: n for n, s in enumerate(STATUSES)}
    marks = sorted(marks, key=lambda m: (order.get(m.status, 9), str(m.client_id)))
    counts = {s: sum(1 for m in marks if m.status == s) for s in STATUSES}
    latest = max(marks, key=lambda m: m.recorded_at) if marks else None
    return ClassAttendanceOut(
        course_id=course.id,
        class_date=class_date,
        definition_version=(
            latest.definition_version if latest else catalog.definition(ATTENDANCE_FORM).version
        ),
        marks=[AttendanceMarkOut.model_validate(m, from_attributes=True) for m in marks],
        present=counts["present"],
        absent=counts["absent"],
        excused=counts["excused"],
        late=counts["late"],
        attendance_rate=_rate(counts["present"] + counts["late"], len(marks)),
        recorded_by=latest.recorded_by if latest else None,
        recorded_at=latest.recorded_at if latest else None,
    )


async def take_attendance(
    db: AsyncSession,
    actor: Principal,
    course_id: uuid.UUID,
    class_date: dt.date,
    data: AttendanceTake,
) -> ClassAttendanceOut:
    """The whole class's attendance for one class date; taking it again replaces it."""
    course = await _visible_course(db, actor, course_id, lock=True)
    _in_course(course, class_date, "class_date", "the class date")
    enrolments = {e.client_id: e for e in await repo.enrolments(db, actor.agency_id, course.id)}
    errors: list[dict[str, str]] = []
    marked: dict[uuid.UUID, AttendanceStatus] = {}
    for status in STATUSES:
        for n, client_id in enumerate(getattr(data, status)):
            field = f"{status}.{n}"
            if client_id in marked:
                errors.append({"field": field, "message": f"already listed as {marked[client_id]}"})
                continue
            marked[client_id] = status
            enrolment = enrolments.get(client_id)
            if enrolment is None:
                errors.append({"field": field, "message": "not enrolled in this course"})
            elif (why := _on_class_list(course, enrolment, class_date)) is not None:
                errors.append({"field": field, "message": f"not on this class's list: {why}"})
    if not marked:
        errors.append({"field": "present", "message": "no client listed: mark the whole class"})
    unmarked = [
        str(c)
        for c, e in enrolments.items()
        if c not in marked and _on_class_list(course, e, class_date) is None
    ]
    if unmarked and marked:
        errors.append(
            {
                "field": "absent",
                "message": f"{len(unmarked)} clients of the class list are not marked: "
                + ", ".join(sorted(unmarked)),
            }
        )
    if errors:
        raise Refused("the attendance does not fit the class list", fields=errors)
    # Each mark is an Attendance form answer: its value list is the definition's.
    definition = catalog.definition(ATTENDANCE_FORM)
    for status in set(marked.values()):
        validate_form(
            definition, {"class_date": class_date.isoformat(), "attendance": status}, draft=False
        )
    now = utcnow()
    rows = [
        CourseAttendance(
            course_id=course.id,
            class_date=class_date,
            client_id=client_id,
            agency_id=actor.agency_id,
            status=status,
            definition_version=definition.version,
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        for client_id, status in marked.items()
    ]
    await repo.replace_marks(db, actor.agency_id, course.id, class_date, rows)
    result = _class_out(course, class_date, rows)
    await _audit(
        db,
        actor,
        "course.attendance.recorded",
        course.id,
        class_date=class_date.isoformat(),
        present=result.present,
        absent=result.absent,
        excused=result.excused,
        late=result.late,
    )
    await add_event(
        db,
        CourseAttendanceRecorded(
            agency_id=course.agency_id,
            course_id=course.id,
            course_code=course.code,
            program_id=course.program_id,
            class_date=class_date,
            definition_version=definition.version,
            marks=[AttendanceMark(client_id=m.client_id, status=m.status) for m in result.marks],
            recorded_by=actor.user_id,
            recorded_at=now,
        ),
    )
    log.info(
        "course.attendance.recorded",
        course_id=str(course.id),
        class_date=class_date.isoformat(),
        marks=len(rows),
    )
    return result


async def get_class(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID, class_date: dt.date
) -> ClassAttendanceOut:
    course = await _visible_course(db, actor, course_id)
    marks = await repo.class_marks(db, actor.agency_id, course.id, class_date)
    if not marks:
        raise NotFound("no attendance taken for this class date")
    await _audit(
        db, actor, "course.attendance.viewed", course.id, class_date=class_date.isoformat()
    )
    return _class_out(course, class_date, marks)


async def attendance_summary(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID
) -> AttendanceSummaryOut:
    course = await _visible_course(db, actor, course_id)
    classes = []
    marks = attended = 0
    for class_date, counts in await repo.class_stats(db, actor.agency_id, course.id):
        total = sum(counts.values())
        came = counts.get("present", 0) + counts.get("late", 0)
        marks, attended = marks + total, attended + came
        classes.append(
            ClassSummary(
                class_date=class_date,
                present=counts.get("present", 0),
                absent=counts.get("absent", 0),
                excused=counts.get("excused", 0),
                late=counts.get("late", 0),
                attendance_rate=_rate(came, total),
            )
        )
    await _audit(db, actor, "course.attendance.viewed", course.id, classes=len(classes))
    return AttendanceSummaryOut(
        course_id=course.id,
        classes=classes,
        marks=marks,
        attended=attended,
        attendance_rate=_rate(attended, marks),
    )


async def roster(db: AsyncSession, actor: Principal, course_id: uuid.UUID) -> RosterOut:
    """Every client enrolled (and exited), with their attendance, and the course's."""
    course = await _visible_course(db, actor, course_id)
    enrolments = await repo.enrolments(db, actor.agency_id, course.id)
    stats = await repo.client_stats(db, actor.agency_id, course.id)
    classes = await repo.class_stats(db, actor.agency_id, course.id)
    entries = []
    for e in enrolments:
        marked, attended = stats.get(e.client_id, (0, 0))
        entries.append(
            RosterEntry(
                client_id=e.client_id,
                status="exited" if e.status == "exited" else "enrolled",
                enrolled_at=e.enrolled_at,
                first_class_date=e.first_class_date,
                form_status="completed" if e.form_status == "completed" else "draft",
                exit_date=e.exit_date,
                training_status=e.training_status,
                classes_marked=marked,
                classes_attended=attended,
                attendance_rate=_rate(attended, marked),
            )
        )
    enrolled = sum(1 for e in entries if e.status == "enrolled")
    total_marked = sum(m for m, _ in stats.values())
    total_attended = sum(a for _, a in stats.values())
    await _audit(db, actor, "course.roster.viewed", course.id, clients=len(entries))
    return RosterOut(
        course_id=course.id,
        code=course.code,
        capacity=course.capacity,
        enrolled_count=enrolled,
        exited_count=len(entries) - enrolled,
        spots_left=max(course.capacity - enrolled, 0),
        classes_recorded=len(classes),
        attendance_rate=_rate(total_attended, total_marked),
        clients=entries,
    )
