"""Attendance taken for the whole class at once per class date, read per class and
summed up over the course."""

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import AttendanceMark, CourseAttendanceRecorded
from forms import AnswersInvalid, FormDefinition, validate_answers
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import InvalidFields, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.courses import repository as repo
from sessions.courses.models import CourseAttendance, CourseEnrolment, LanguageCourse
from sessions.courses.schemas import (
    AttendanceMarkOut,
    AttendanceStatus,
    AttendanceSummaryOut,
    AttendanceTake,
    ClassAttendanceOut,
    ClassSummary,
)
from sessions.courses.service.access import audit, visible_course
from sessions.courses.service.dates import within_course
from sessions.forms import catalog, owned

log = get_logger()

ATTENDANCE_FORM = owned.COURSE_ATTENDANCE

STATUSES: tuple[AttendanceStatus, ...] = ("present", "absent", "excused", "late")
HOURS_FIELD = "answers.hours_attended"


def attendance_rate(attended: int, marked: int) -> float | None:
    """The share of the marks that are attended (present or late); None without marks."""
    return round(attended / marked, 4) if marked else None


def _on_class_list(course: LanguageCourse, e: CourseEnrolment, day: dt.date) -> str | None:
    """None when the client belongs on the class list that day; else why not."""
    first = e.first_class_date or course.start_date
    if day < first:
        return f"the client's first class is {first}"
    if e.exit_date is not None and day > e.exit_date:
        return f"the client exited the course on {e.exit_date}"
    return None


def _hours_attended(
    definition: FormDefinition,
    class_date: dt.date,
    marked: dict[uuid.UUID, AttendanceStatus],
    given: dict[uuid.UUID, float],
    errors: list[dict[str, str]],
) -> dict[uuid.UUID, Decimal]:
    """Each mark is an Attendance form answer, checked against the definition (its value
    list, and "Hours attended" only for a client present or late, within its bounds);
    problems are added to `errors` as `hours.<client_id>` or the form's own field."""
    hours: dict[uuid.UUID, Decimal] = {}
    for client_id, status in marked.items():
        answers: dict[str, object] = {"class_date": class_date.isoformat(), "attendance": status}
        if client_id in given:
            answers["hours_attended"] = given[client_id]
        try:
            validated = validate_answers(definition, answers)
        except AnswersInvalid as exc:
            errors += [
                e | {"field": f"hours.{client_id}"} if e["field"] == HOURS_FIELD else e
                for e in exc.errors
            ]
            continue
        value = validated.values.get("hours_attended")
        if value is not None:
            hours[client_id] = Decimal(str(value))
    return hours


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
        attendance_rate=attendance_rate(counts["present"] + counts["late"], len(marks)),
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
    course = await visible_course(db, actor, course_id, lock=True)
    within_course(course, class_date, "class_date", "the class date")
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
    definition = catalog.definition(ATTENDANCE_FORM)
    errors += [
        {"field": f"hours.{client_id}", "message": "not listed in this class's attendance"}
        for client_id in data.hours
        if client_id not in marked
    ]
    hours = _hours_attended(definition, class_date, marked, data.hours, errors)
    if errors:
        raise InvalidFields("the attendance does not fit the class list", fields=errors)
    now = utcnow()
    rows = [
        CourseAttendance(
            course_id=course.id,
            class_date=class_date,
            client_id=client_id,
            agency_id=actor.agency_id,
            status=status,
            hours_attended=hours.get(client_id),
            definition_version=definition.version,
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        for client_id, status in marked.items()
    ]
    await repo.replace_marks(db, actor.agency_id, course.id, class_date, rows)
    result = _class_out(course, class_date, rows)
    await audit(
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
            marks=[
                AttendanceMark(
                    client_id=m.client_id, status=m.status, hours_attended=m.hours_attended
                )
                for m in result.marks
            ],
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
    course = await visible_course(db, actor, course_id)
    marks = await repo.class_marks(db, actor.agency_id, course.id, class_date)
    if not marks:
        raise NotFound("no attendance taken for this class date")
    await audit(db, actor, "course.attendance.viewed", course.id, class_date=class_date.isoformat())
    return _class_out(course, class_date, marks)


async def attendance_summary(
    db: AsyncSession, actor: Principal, course_id: uuid.UUID
) -> AttendanceSummaryOut:
    course = await visible_course(db, actor, course_id)
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
                attendance_rate=attendance_rate(came, total),
            )
        )
    await audit(db, actor, "course.attendance.viewed", course.id, classes=len(classes))
    return AttendanceSummaryOut(
        course_id=course.id,
        classes=classes,
        marks=marks,
        attended=attended,
        attendance_rate=attendance_rate(attended, marks),
    )
