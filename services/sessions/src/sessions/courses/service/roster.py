"""The course's roster: every client enrolled (and exited) with their attendance."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from sessions.courses import repository as repo
from sessions.courses.schemas import RosterEntry, RosterOut
from sessions.courses.service.access import audit, visible_course
from sessions.courses.service.attendance import attendance_rate


async def roster(db: AsyncSession, actor: Principal, course_id: uuid.UUID) -> RosterOut:
    """Every client enrolled (and exited), with their attendance, and the course's."""
    course = await visible_course(db, actor, course_id)
    enrolments = await repo.enrolments(db, actor.agency_id, course.id)
    stats = await repo.client_stats(db, actor.agency_id, course.id)
    classes = await repo.class_stats(db, actor.agency_id, course.id)
    entries = []
    for e in enrolments:
        marked, attended, hours = stats.get(e.client_id, (0, 0, Decimal(0)))
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
                attendance_rate=attendance_rate(attended, marked),
                hours_attended=float(hours),
            )
        )
    enrolled = sum(1 for e in entries if e.status == "enrolled")
    total_marked = sum(m for m, _, _ in stats.values())
    total_attended = sum(a for _, a, _ in stats.values())
    await audit(db, actor, "course.roster.viewed", course.id, clients=len(entries))
    return RosterOut(
        course_id=course.id,
        code=course.code,
        capacity=course.capacity,
        enrolled_count=enrolled,
        exited_count=len(entries) - enrolled,
        spots_left=max(course.capacity - enrolled, 0),
        classes_recorded=len(classes),
        attendance_rate=attendance_rate(total_attended, total_marked),
        clients=entries,
    )
