"""The course the actor may see (anyone else is told it does not exist), and the
audit entry of what they did with it."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import record_audit
from kit.auth import Principal
from kit.errors import NotFound
from sessions.courses import repository as repo
from sessions.courses.models import LanguageCourse

ENTITY = "course"


async def audit(
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
