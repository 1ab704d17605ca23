from fastapi import APIRouter, BackgroundTasks

from identity import mailer
from identity.agencies import service
from identity.agencies.schemas import AgencyCreate, AgencyOut, AgencyPage, AgencyWithAdmin
from identity.deps import Actor, PasswordsDep, Settings
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(prefix="/agencies", tags=["agencies"])

platform_only = [require_role(Role.PLATFORM_ADMIN)]


@router.get("/current")
async def current_agency(db: DbSession, actor: Actor) -> AgencyOut:
    return await service.current_agency(db, actor)


@router.get("", dependencies=platform_only)
async def list_agencies(db: DbSession, actor: Actor) -> AgencyPage:
    return await service.list_agencies(db, actor)


@router.post("", status_code=201, dependencies=platform_only)
async def create_agency(
    body: AgencyCreate,
    db: DbSession,
    actor: Actor,
    passwords: PasswordsDep,
    settings: Settings,
    background: BackgroundTasks,
) -> AgencyWithAdmin:
    agency, mails = await service.create_agency(
        db, actor, body, passwords=passwords, settings=settings
    )
    background.add_task(mailer.send_all, settings, mails)  # after the commit
    return agency
