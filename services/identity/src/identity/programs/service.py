import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import ProgramUpdated
from identity.programs import repository as repo
from identity.programs.models import Program
from identity.programs.schemas import ProgramCreate, ProgramOut, ProgramPage, ProgramPatch
from kit.auth import Principal
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

CODE_UNIQUE = "uq_programs_agency_id_code"


def _out(program: Program) -> ProgramOut:
    return ProgramOut(
        id=program.id,
        agency_id=program.agency_id,
        name=program.name,
        code=program.code,
        description=program.description,
        active=program.active,
    )


async def _publish(db: AsyncSession, program: Program) -> ProgramOut:
    await add_event(
        db,
        ProgramUpdated(
            agency_id=program.agency_id,
            id=program.id,
            name=program.name,
            code=program.code,
            description=program.description,
            active=program.active,
        ),
    )
    return _out(program)


async def _get(db: AsyncSession, actor: Principal, program_id: uuid.UUID) -> Program:
    program = await repo.get(db, actor.agency_id, program_id)
    if program is None:
        raise NotFound("No such program", code="program_not_found")
    return program


async def ensure_usable(
    db: AsyncSession, agency_id: uuid.UUID, program_ids: Collection[uuid.UUID]
) -> None:
    """Staff and agreements may only name active programs of their own agency."""
    found = await repo.active_ids_among(db, agency_id, program_ids)
    if set(program_ids) - found:
        raise Invalid("program_ids", "names a program that does not exist or is inactive")


async def list_programs(
    db: AsyncSession, actor: Principal, *, active: bool | None = None
) -> ProgramPage:
    programs = await repo.list_for(db, actor.agency_id, active=active)
    return ProgramPage(items=[_out(p) for p in programs])


async def get_program(db: AsyncSession, actor: Principal, program_id: uuid.UUID) -> ProgramOut:
    return _out(await _get(db, actor, program_id))


async def create_program(db: AsyncSession, actor: Principal, data: ProgramCreate) -> ProgramOut:
    program = Program(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        name=data.name,
        code=data.code,
        description=data.description,
        active=True,
    )
    try:
        await repo.add(db, program)
    except ConstraintViolation as exc:
        if exc.constraint == CODE_UNIQUE:
            raise Conflict(
                "This agency already has a program with this code",
                code="program_code_taken",
                fields=[{"field": "code", "message": "is already used in this agency"}],
            ) from exc
        raise
    log.info("program.created", program_id=str(program.id), agency_id=str(program.agency_id))
    return await _publish(db, program)


async def update_program(
    db: AsyncSession, actor: Principal, program_id: uuid.UUID, patch: ProgramPatch
) -> ProgramOut:
    program = await _get(db, actor, program_id)
    if patch.name is not None:
        program.name = patch.name
    if "description" in patch.model_fields_set:
        program.description = patch.description or None
    if patch.active is not None:
        program.active = patch.active
    await repo.save(db)
    log.info("program.updated", program_id=str(program.id), active=program.active)
    return await _publish(db, program)
