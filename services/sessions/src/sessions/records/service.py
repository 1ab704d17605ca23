import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Forbidden, Invalid, NotFound
from kit.logs import get_logger
from sessions.clients_copy.service import require_clients, with_merged
from sessions.records import repository as repo
from sessions.records.models import SessionRecord
from sessions.records.schemas import (
    DIRECT_SERVICE_TYPES,
    Funder,
    SessionCreate,
    SessionOut,
    SessionPage,
)

log = get_logger()
ENTITY = "session"


audit = EntityAudit(ENTITY)


def out(record: SessionRecord) -> SessionOut:
    return SessionOut(
        id=record.id,
        type=record.type,
        date=record.date,
        start_time=record.start_time,
        end_time=record.end_time,
        location=record.location,
        postal_code=record.postal_code,
        delivery_mode=record.delivery_mode,
        language_of_service=record.language_of_service,
        worker_id=record.worker_id,
        program_id=record.program_id,
        funders=[Funder.model_validate(f) for f in record.funders],
        client_ids=list(record.client_ids),
        private=record.private,
        created_at=record.created_at,
    )


async def visible_session(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID
) -> SessionRecord:
    """The session, if the actor may see it; 404 otherwise (a session the caller may
    not see does not exist for them)."""
    record = await repo.visible(
        db,
        actor.agency_id,
        session_id,
        user_id=actor.user_id,
        programs=actor.programs,
        manages=actor.manages,
    )
    if record is None:
        raise NotFound("no such session")
    return record


async def create_session(
    db: AsyncSession, actor: Principal, data: SessionCreate, *, wait: float = 0.0
) -> SessionOut:
    if data.program_id not in actor.programs:
        raise Forbidden("you can only record sessions in your own programs")
    if data.end_time < data.start_time:
        raise Invalid("end_time", "the session cannot end before it starts")
    client_ids = list(dict.fromkeys(data.client_ids))
    if data.type in DIRECT_SERVICE_TYPES and len(client_ids) != 1:
        raise Invalid("client_ids", "a direct service session has exactly one client")
    client_ids = await require_clients(db, actor.agency_id, client_ids, wait=wait)
    record = await repo.add(
        db,
        SessionRecord(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            type=data.type,
            date=data.date,
            start_time=data.start_time,
            end_time=data.end_time,
            location=data.location,
            postal_code=data.postal_code,
            delivery_mode=data.delivery_mode,
            language_of_service=data.language_of_service,
            worker_id=actor.user_id,
            program_id=data.program_id,
            funders=[f.model_dump(mode="json") for f in data.funders],
            client_ids=client_ids,
            private=data.private,
            created_at=utcnow(),
        ),
    )
    await audit(db, actor, "session.created", record.id, client_count=len(client_ids))
    log.info("session.created", session_id=str(record.id), type=record.type)
    return out(record)


async def get_session(db: AsyncSession, actor: Principal, session_id: uuid.UUID) -> SessionOut:
    record = await visible_session(db, actor, session_id)
    await audit(db, actor, "session.viewed", record.id)
    return out(record)


async def list_sessions(
    db: AsyncSession,
    actor: Principal,
    client_id: uuid.UUID | None,
    *,
    limit: int,
    offset: int,
) -> SessionPage:
    # A survivor's sessions include those recorded for the profiles merged into it.
    client_ids = await with_merged(db, actor.agency_id, client_id) if client_id else None
    records = await repo.visible_for_client(
        db,
        actor.agency_id,
        client_ids,
        user_id=actor.user_id,
        programs=actor.programs,
        manages=actor.manages,
        limit=limit + 1,
        offset=offset,
    )
    page = records[:limit]
    await audit(
        db,
        actor,
        "session.listed",
        None,
        client_id=str(client_id) if client_id else None,
        count=len(page),
    )
    return SessionPage(
        items=[out(r) for r in page],
        next_offset=offset + limit if len(records) > limit else None,
    )
