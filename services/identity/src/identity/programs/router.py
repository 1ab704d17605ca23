import uuid

from fastapi import APIRouter

from identity.deps import Actor
from identity.programs import service
from identity.programs.schemas import ProgramCreate, ProgramOut, ProgramPage, ProgramPatch
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(prefix="/programs", tags=["programs"])

admin_only = [require_role(Role.AGENCY_ADMIN)]


@router.get("")
async def list_programs(db: DbSession, actor: Actor, active: bool | None = None) -> ProgramPage:
    return await service.list_programs(db, actor, active=active)


@router.post("", status_code=201, dependencies=admin_only)
async def create_program(body: ProgramCreate, db: DbSession, actor: Actor) -> ProgramOut:
    return await service.create_program(db, actor, body)


@router.get("/{program_id}")
async def get_program(program_id: uuid.UUID, db: DbSession, actor: Actor) -> ProgramOut:
    return await service.get_program(db, actor, program_id)


@router.patch("/{program_id}", dependencies=admin_only)
async def update_program(
    program_id: uuid.UUID, body: ProgramPatch, db: DbSession, actor: Actor
) -> ProgramOut:
    return await service.update_program(db, actor, program_id, body)
