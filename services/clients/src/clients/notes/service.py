import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from clients.notes import repository as repo
from clients.notes.models import Note
from clients.notes.schemas import NoteCreate, NoteOut, NotePage
from clients.profiles.service import audit, visible_client
from clients.staff.service import program_names, staff_names
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Invalid
from kit.logs import get_logger

log = get_logger()


async def _outs(db: AsyncSession, actor: Principal, notes: list[Note]) -> list[NoteOut]:
    authors = await staff_names(db, actor.agency_id, [n.author_id for n in notes])
    programs = await program_names(db, actor.agency_id, [n.program_id for n in notes])
    return [
        NoteOut(
            id=n.id,
            client_id=n.client_id,
            author_id=n.author_id,
            author_name=authors.get(n.author_id),
            program_id=n.program_id,
            program_name=programs.get(n.program_id) if n.program_id else None,
            private=n.private,
            body=n.body,
            created_at=n.created_at,
        )
        for n in notes
    ]


async def add_note(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, data: NoteCreate
) -> NoteOut:
    client = await visible_client(db, actor, client_id)
    if data.program_id is not None and data.program_id not in actor.programs:
        raise Invalid("program_id", "you can only write notes in your own programs")
    note = await repo.add(
        db,
        Note(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            client_id=client.id,
            author_id=actor.user_id,
            program_id=data.program_id,
            private=data.private,
            body=data.body,
            created_at=utcnow(),
        ),
    )
    await audit(db, actor, "client.note_added", client.id, note_id=str(note.id))
    log.info("client.note_added", client_id=str(client.id), note_id=str(note.id))
    return (await _outs(db, actor, [note]))[0]


async def list_notes(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, *, limit: int, offset: int
) -> NotePage:
    client = await visible_client(db, actor, client_id)
    notes = await repo.visible_for(
        db,
        actor.agency_id,
        client.id,
        user_id=actor.user_id,
        programs=actor.programs,
        manages=actor.manages,
        limit=limit + 1,
        offset=offset,
    )
    await audit(db, actor, "client.notes_viewed", client.id, count=len(notes[:limit]))
    return NotePage(
        items=await _outs(db, actor, notes[:limit]),
        next_offset=offset + limit if len(notes) > limit else None,
    )
