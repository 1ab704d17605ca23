import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from identity import mailer
from identity.deps import Actor, PasswordsDep, Settings
from identity.staff import service
from identity.staff.schemas import ProgramIds, UserCreate, UserOut, UserPage, UserPatch
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(tags=["staff"])

admin_only = [require_role(Role.AGENCY_ADMIN)]
readers = [require_role(Role.AGENCY_ADMIN, Role.MANAGER)]


@router.get("/me")
async def me(db: DbSession, actor: Actor) -> UserOut:
    return await service.get_me(db, actor)


@router.get("/users", dependencies=readers)
async def list_users(
    db: DbSession,
    actor: Actor,
    role: Role | None = None,
    program: uuid.UUID | None = None,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UserPage:
    return await service.list_users(
        db, actor, role=role, program_id=program, active=active, limit=limit, offset=offset
    )


@router.post("/users", status_code=201, dependencies=admin_only)
async def create_user(
    body: UserCreate,
    db: DbSession,
    actor: Actor,
    passwords: PasswordsDep,
    settings: Settings,
    background: BackgroundTasks,
) -> UserOut:
    user, mails = await service.create_user(db, actor, body, passwords=passwords, settings=settings)
    background.add_task(mailer.send_all, settings, mails)  # after the commit
    return user


@router.get("/users/{user_id}", dependencies=readers)
async def get_user(user_id: uuid.UUID, db: DbSession, actor: Actor) -> UserOut:
    return await service.get_user(db, actor, user_id)


@router.patch("/users/{user_id}", dependencies=admin_only)
async def update_user(user_id: uuid.UUID, body: UserPatch, db: DbSession, actor: Actor) -> UserOut:
    return await service.update_user(db, actor, user_id, body)


@router.put("/users/{user_id}/programs", dependencies=admin_only)
async def set_programs(
    user_id: uuid.UUID, body: ProgramIds, db: DbSession, actor: Actor
) -> UserOut:
    return await service.set_programs(db, actor, user_id, body.program_ids)


@router.post("/users/{user_id}/deactivate", dependencies=admin_only)
async def deactivate(user_id: uuid.UUID, db: DbSession, actor: Actor) -> UserOut:
    return await service.deactivate(db, actor, user_id)


@router.post("/users/{user_id}/reactivate", dependencies=admin_only)
async def reactivate(user_id: uuid.UUID, db: DbSession, actor: Actor) -> UserOut:
    return await service.reactivate(db, actor, user_id)
