import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.referrals import TaskCreated, TaskRecord, TaskUpdated
from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import today, utcnow
from kit.errors import Invalid, NotFound
from kit.logs import get_logger
from kit.messaging import add_event
from kit.paging import page_of
from referrals.access import Viewer, acting_program
from referrals.copies import repository as copies
from referrals.tasks import repository as repo
from referrals.tasks.models import Task, TaskComment
from referrals.tasks.schemas import (
    CommentCreate,
    CommentOut,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskUpdate,
)
from referrals.transitions import check_transition

log = get_logger()
ENTITY = "task"
OPEN_STATUSES = ("open", "in_progress")
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "done", "cancelled"}),
    "in_progress": frozenset({"open", "done", "cancelled"}),
    "done": frozenset({"open"}),
    "cancelled": frozenset({"open"}),
}


audit = EntityAudit(ENTITY)


def record(task: Task) -> TaskRecord:
    """The task as its events carry it: no title, description or comments (free text)."""
    return TaskRecord(
        id=task.id,
        client_id=task.client_id,
        form_id=task.form_id,
        session_id=task.session_id,
        request_id=task.request_id,
        assignee_id=task.assignee_id,
        created_by=task.created_by,
        program_id=task.program_id,
        due_date=task.due_date,
        priority=task.priority,
        status=task.status,
        private=task.private,
        completed_at=task.completed_at,
        cancelled_at=task.cancelled_at,
        created_at=task.created_at,
        updated_at=task.updated_at,
        version=task.version,
    )


async def new_task(db: AsyncSession, task: Task) -> Task:
    """Store a new task and its created event (one transaction)."""
    await repo.add(db, task)
    await add_event(db, TaskCreated(agency_id=task.agency_id, task=record(task)))
    return task


def out(task: Task, comments: list[TaskComment] | None = None) -> TaskOut:
    return TaskOut(
        **record(task).model_dump(exclude={"cancelled_at", "version"}),
        title=task.title,
        description=task.description,
        overdue=bool(task.due_date and task.status in OPEN_STATUSES and task.due_date < today()),
        comments=[
            CommentOut(id=c.id, author_id=c.author_id, body=c.body, created_at=c.created_at)
            for c in comments or []
        ],
    )


async def check_assignee(db: AsyncSession, actor: Principal, assignee_id: uuid.UUID) -> None:
    """Yourself, or an active staff member of your agency (as identity told us)."""
    if assignee_id == actor.user_id:
        return
    member = await copies.staff(db, actor.agency_id, assignee_id)
    if member is None or not member.active:
        raise Invalid("assignee_id", "is not an active staff member of your agency")


async def visible_task(
    db: AsyncSession, actor: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> Task:
    task = await repo.visible_task(db, Viewer.of(actor), task_id, for_update=for_update)
    if task is None:
        raise NotFound("no such task")
    return task


async def create_task(db: AsyncSession, actor: Principal, data: TaskCreate) -> TaskOut:
    assignee = data.assignee_id or actor.user_id
    await check_assignee(db, actor, assignee)
    now = utcnow()
    task = await new_task(
        db,
        Task(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            client_id=data.client_id,
            form_id=data.form_id,
            session_id=data.session_id,
            title=data.title,
            description=data.description,
            assignee_id=assignee,
            created_by=actor.user_id,
            program_id=acting_program(actor, data.program_id),
            due_date=data.due_date,
            priority=data.priority,
            status="open",
            private=data.private,
            created_at=now,
            updated_at=now,
            version=1,
        ),
    )
    await audit(db, actor, "task.created", task.id, client_id=str(task.client_id))
    log.info("task.created", task_id=str(task.id))
    return out(task)


async def get_task(db: AsyncSession, actor: Principal, task_id: uuid.UUID) -> TaskOut:
    task = await visible_task(db, actor, task_id)
    await audit(db, actor, "task.viewed", task.id, client_id=str(task.client_id))
    return out(task, await repo.comments(db, task.id))


async def list_tasks(
    db: AsyncSession,
    actor: Principal,
    *,
    client_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    statuses: list[str] | None,
    limit: int,
    offset: int,
) -> TaskPage:
    tasks = await repo.list_visible(
        db,
        Viewer.of(actor),
        client_id=client_id,
        assignee_id=assignee_id,
        statuses=statuses,
        limit=limit + 1,
        offset=offset,
    )
    page, next_offset = page_of(tasks, limit, offset)
    await audit(
        db,
        actor,
        "task.listed",
        None,
        client_id=str(client_id) if client_id else None,
        count=len(page),
    )
    return TaskPage(
        items=[out(t) for t in page],
        next_offset=next_offset,
    )


async def update_task(
    db: AsyncSession, actor: Principal, task_id: uuid.UUID, data: TaskUpdate
) -> TaskOut:
    task = await visible_task(db, actor, task_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("title", task.title) is None:
        raise Invalid("title", "a task needs a title")
    if "assignee_id" in changes:
        if changes["assignee_id"] is None:
            raise Invalid("assignee_id", "a task is assigned to someone")
        await check_assignee(db, actor, changes["assignee_id"])
    if changes.get("priority", task.priority) is None:
        raise Invalid("priority", "a task has a priority")
    status = changes.pop("status", None)
    changed = sorted(k for k, v in changes.items() if getattr(task, k) != v)
    for key in changed:
        setattr(task, key, changes[key])
    now = utcnow()
    previous = task.status
    if status is not None and status != task.status:
        check_transition("task", TRANSITIONS, task.status, status)
        task.status = status
        task.completed_at = now if status == "done" else None
        task.cancelled_at = now if status == "cancelled" else None
        changed.append("status")
    if changed:
        task.updated_at = now
        task.version += 1
        await repo.flush_changes(db)
        await add_event(
            db,
            TaskUpdated(
                agency_id=task.agency_id,
                task=record(task),
                changed_fields=sorted(changed),
                previous_status=previous if "status" in changed else None,
            ),
        )
    await audit(db, actor, "task.updated", task.id, changed=changed)
    log.info("task.updated", task_id=str(task.id), changed=changed)
    return out(task, await repo.comments(db, task.id))


async def client_changed(db: AsyncSession, task_ids: list[uuid.UUID]) -> None:
    """Tasks a client merge (or its undoing) re-pointed to another client: each a new
    version, published."""
    tasks = await repo.by_ids(db, task_ids)
    if not tasks:
        return
    now = utcnow()
    for task in tasks:
        task.version += 1
        task.updated_at = now
    await repo.flush_changes(db)
    for task in tasks:
        await add_event(
            db,
            TaskUpdated(agency_id=task.agency_id, task=record(task), changed_fields=["client_id"]),
        )


async def comment(
    db: AsyncSession, actor: Principal, task_id: uuid.UUID, data: CommentCreate
) -> CommentOut:
    task = await visible_task(db, actor, task_id)
    added = await repo.add_comment(
        db,
        TaskComment(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            task_id=task.id,
            author_id=actor.user_id,
            body=data.body,
            created_at=utcnow(),
        ),
    )
    task.updated_at = added.created_at
    await audit(db, actor, "task.commented", task.id, comment_id=str(added.id))
    return CommentOut(
        id=added.id, author_id=added.author_id, body=added.body, created_at=added.created_at
    )
