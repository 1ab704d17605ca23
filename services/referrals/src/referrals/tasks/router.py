import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.db import DbSession
from kit.paging import Limit, Offset
from referrals.deps import Staff
from referrals.tasks import service
from referrals.tasks.schemas import (
    CommentCreate,
    CommentOut,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskStatus,
    TaskUpdate,
)

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=201)
async def create_task(body: TaskCreate, db: DbSession, actor: Staff) -> TaskOut:
    return await service.create_task(db, actor, body)


@router.get("")
async def list_tasks(
    db: DbSession,
    actor: Staff,
    client_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
    status: Annotated[list[TaskStatus] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> TaskPage:
    return await service.list_tasks(
        db,
        actor,
        client_id=client_id,
        assignee_id=assignee_id,
        statuses=list(status) if status else None,
        limit=limit,
        offset=offset,
    )


@router.get("/{task_id}")
async def get_task(task_id: uuid.UUID, db: DbSession, actor: Staff) -> TaskOut:
    return await service.get_task(db, actor, task_id)


@router.patch("/{task_id}")
async def update_task(task_id: uuid.UUID, body: TaskUpdate, db: DbSession, actor: Staff) -> TaskOut:
    return await service.update_task(db, actor, task_id, body)


@router.post("/{task_id}/comments", status_code=201)
async def comment(
    task_id: uuid.UUID, body: CommentCreate, db: DbSession, actor: Staff
) -> CommentOut:
    return await service.comment(db, actor, task_id, body)
