from fastapi import APIRouter

from icare.deps import Admin, Staff
from icare.schedule import service
from icare.schedule.schemas import ScheduleIn, ScheduleOut
from kit.db import DbSession

router = APIRouter(prefix="/schedule", tags=["schedule"])


@router.get("")
async def get_schedule(db: DbSession, actor: Staff) -> ScheduleOut:
    """The day of the month the agency's previous month is exported on its own."""
    return await service.get_schedule(db, actor)


@router.put("")
async def set_schedule(body: ScheduleIn, db: DbSession, actor: Admin) -> ScheduleOut:
    return await service.set_schedule(db, actor, body)
