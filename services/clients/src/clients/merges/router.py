import uuid

from fastapi import APIRouter

from clients.deps import Staff, Supervisor
from clients.merges import service
from clients.merges.schemas import MergedClientOut, MergeIn, MergeList, UndoIn, UndoneOut
from kit.db import DbSession

router = APIRouter(tags=["merges"])


@router.post("/clients/{survivor_id}/merge")
async def merge(
    survivor_id: uuid.UUID, body: MergeIn, db: DbSession, actor: Supervisor
) -> MergedClientOut:
    """Merge `absorbed_id` into this profile (managers and agency admins)."""
    return await service.merge(db, actor, survivor_id, body)


@router.get("/clients/{client_id}/merges")
async def merges_of(client_id: uuid.UUID, db: DbSession, actor: Staff) -> MergeList:
    """Merges this profile took part in, as survivor or absorbed, newest first."""
    return await service.merges_of(db, actor, client_id)


@router.post("/merges/{merge_id}/undo")
async def undo(merge_id: uuid.UUID, body: UndoIn, db: DbSession, actor: Supervisor) -> UndoneOut:
    return await service.undo(db, actor, merge_id, body)
