import datetime as dt
import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from referrals.access import Viewer, visible
from referrals.tasks.models import Task, TaskComment


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    return visible(
        viewer,
        people=[Task.assignee_id, Task.created_by],
        programs=[Task.program_id],
        private=Task.private,
    )


async def add(db: AsyncSession, task: Task) -> Task:
    db.add(task)
    await flush(db)
    return task


async def by_request(db: AsyncSession, request_id: uuid.UUID) -> Task | None:
    return (await db.scalars(select(Task).where(Task.request_id == request_id))).one_or_none()


async def visible_task(
    db: AsyncSession, viewer: Viewer, task_id: uuid.UUID, *, for_update: bool = False
) -> Task | None:
    query = select(Task).where(
        Task.agency_id == viewer.agency_id, Task.id == task_id, _visible(viewer)
    )
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).one_or_none()


async def list_visible(
    db: AsyncSession,
    viewer: Viewer,
    *,
    client_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    statuses: list[str] | None,
    limit: int,
    offset: int,
) -> list[Task]:
    query = select(Task).where(Task.agency_id == viewer.agency_id, _visible(viewer))
    if client_id is not None:
        query = query.where(Task.client_id == client_id)
    if assignee_id is not None:
        query = query.where(Task.assignee_id == assignee_id)
    if statuses:
        query = query.where(Task.status.in_(statuses))
    query = query.order_by(Task.due_date.asc().nulls_last(), Task.created_at, Task.id)
    return list(await db.scalars(query.limit(limit).offset(offset)))


async def due_for(
    db: AsyncSession, agency_id: uuid.UUID, assignee_id: uuid.UUID, until: dt.date, limit: int
) -> list[Task]:
    """Open tasks assigned to one worker due by `until` (overdue ones included)."""
    query = (
        select(Task)
        .where(
            Task.agency_id == agency_id,
            Task.assignee_id == assignee_id,
            Task.status.in_(("open", "in_progress")),
            Task.due_date <= until,
        )
        .order_by(Task.due_date, Task.id)
        .limit(limit)
    )
    return list(await db.scalars(query))


async def add_comment(db: AsyncSession, comment: TaskComment) -> TaskComment:
    db.add(comment)
    await flush(db)
    return comment


async def comments(db: AsyncSession, task_id: uuid.UUID) -> list[TaskComment]:
    query = (
        select(TaskComment)
        .where(TaskComment.task_id == task_id)
        .order_by(TaskComment.created_at, TaskComment.id)
    )
    return list(await db.scalars(query))


async def by_ids(db: AsyncSession, task_ids: list[uuid.UUID]) -> list[Task]:
    """Tasks by id, locked for the change to come (in id order: no deadlock)."""
    if not task_ids:
        return []
    query = select(Task).where(Task.id.in_(task_ids)).order_by(Task.id).with_for_update()
    return list(await db.scalars(query.execution_options(populate_existing=True)))


async def get(db: AsyncSession, task_id: uuid.UUID) -> Task | None:
    return await db.get(Task, task_id)


async def flush_changes(db: AsyncSession) -> None:
    await flush(db)
