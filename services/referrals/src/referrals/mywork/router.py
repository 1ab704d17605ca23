from fastapi import APIRouter

from kit.db import DbSession
from kit.paging import Limit, Offset
from referrals.deps import Settings, Staff
from referrals.mywork import service
from referrals.mywork.schemas import DraftPage, MyWork

router = APIRouter(tags=["my work"])


@router.get("/my-work")
async def my_work(db: DbSession, actor: Staff, settings: Settings) -> MyWork:
    """The signed-in worker's tasks due and overdue, referrals awaiting follow-up,
    recent client interactions and their own drafts of service forms to complete."""
    return await service.my_work(db, settings, actor)


@router.get("/my-work/drafts")
async def my_drafts(
    db: DbSession, actor: Staff, limit: Limit = 50, offset: Offset = 0
) -> DraftPage:
    """All the signed-in worker's drafts of service forms, oldest session first."""
    return await service.list_drafts(db, actor, limit=limit, offset=offset)
