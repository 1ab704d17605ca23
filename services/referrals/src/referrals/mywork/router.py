from fastapi import APIRouter

from kit.db import DbSession
from referrals.deps import Settings, Staff
from referrals.mywork import service
from referrals.mywork.schemas import MyWork

router = APIRouter(tags=["my work"])


@router.get("/my-work")
async def my_work(db: DbSession, actor: Staff, settings: Settings) -> MyWork:
    """The signed-in worker's tasks due and overdue, referrals awaiting follow-up,
    recent client interactions and their own drafts of service forms to complete."""
    return await service.my_work(db, settings, actor)
