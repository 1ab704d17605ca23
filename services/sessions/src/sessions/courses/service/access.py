"""The course the actor may see (anyone else is told it does not exist), and the
audit entry of what they did with it."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal
from kit.errors import NotFound
from sessions.courses import repository as repo
from sessions.courses.models import LanguageCourse

audit = EntityAudit("course")


async def visible_course(
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
