import uuid

from fastapi import APIRouter

from kit.db import DbSession
from referrals.deps import Settings, Staff
from referrals.notifications import service
from referrals.notifications.schemas import NotificationOut, NotificationPage, ReminderCreate

router = APIRouter(tags=["notifications"])


@router.post("/reminders", status_code=201)
async def create_reminder(
    body: ReminderCreate, db: DbSession, actor: Staff, settings: Settings
) -> NotificationOut:
    return await service.create_reminder(db, settings, actor, body)


@router.post("/notifications/{notification_id}/cancel")
async def cancel(notification_id: uuid.UUID, db: DbSession, actor: Staff) -> NotificationOut:
    return await service.cancel(db, actor, notification_id)


@router.get("/clients/{client_id}/notifications")
async def client_notifications(
    client_id: uuid.UUID, db: DbSession, actor: Staff
) -> NotificationPage:
    """The client's Notifications tab: every notification sent (or not) to the client."""
    return await service.client_notifications(db, actor, client_id)
