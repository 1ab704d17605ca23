"""Reminders: scheduling them (staff ask for them) and the client's Notifications tab."""

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.mail import message_id_for
from referrals.notifications import repository as repo
from referrals.notifications.models import Notification
from referrals.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    ReminderCreate,
)
from referrals.notifications.templates import zone
from referrals.referral import service as referrals
from referrals.settings import ReferralsSettings
from referrals.tasks import service as tasks

log = get_logger()
audit = EntityAudit("notification")
# Reminders "on a date" are about that date's morning.
DAY_TIME = dt.time(9, 0)

REASONS = {
    "no_email": "The client's profile has no email address.",
    "no_consent": "The client has not given consent (or withdrew it).",
    "anonymous_client": "The client is anonymous: no contact details are kept.",
    "client_unknown": "The client's profile could not be found.",
    "staff_no_email": "The staff member has no email address.",
    "staff_inactive": "The staff member's account is deactivated.",
    "staff_unknown": "The staff member could not be found.",
    "task_closed": "The task was done or cancelled before the reminder was due.",
    "referral_closed": "The referral was completed or closed before the reminder was due.",
    "smtp_refused": "The mail server refused the message.",
    "attempts_exhausted": "Sending failed too many times.",
    "cancelled": "The reminder was cancelled.",
    "waiting_for_client_profile": "Waiting for the client's profile.",
    "retrying": "Sending failed; it will be tried again.",
}


def out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.id,
        kind=n.kind,
        channel=n.channel,
        recipient=n.recipient,
        staff_id=n.staff_id,
        client_id=n.client_id,
        task_id=n.task_id,
        referral_id=n.referral_id,
        event_at=n.event_at,
        lead_minutes=n.lead_minutes,
        send_at=n.send_at,
        state=n.state,
        sent=n.state == "sent",
        sent_at=n.sent_at,
        reason=n.reason,
        reason_text=REASONS.get(n.reason) if n.reason else None,
        attempts=n.attempts,
        language=n.language,
        subject=n.subject,
        created_at=n.created_at,
    )


def _on_day(settings: ReferralsSettings, day: dt.date | None, field: str) -> dt.datetime:
    """9:00 in the agency's time zone on that day."""
    if day is None:
        raise Invalid("at", f"give `at`: the {field} has no date")
    return dt.datetime.combine(day, DAY_TIME, tzinfo=zone(settings.notification_time_zone))


async def create_reminder(
    db: AsyncSession, settings: ReferralsSettings, actor: Principal, data: ReminderCreate
) -> NotificationOut:
    at = data.at
    if at is not None and at.tzinfo is None:
        raise Invalid("at", "give a time zone (e.g. 2026-12-01T14:30:00-05:00)")
    client_id = data.client_id
    staff_id = data.staff_id
    recipient = data.recipient
    if data.kind == "task_due":
        if data.task_id is None:
            raise Invalid("task_id", "a task reminder names its task")
        task = await tasks.visible_task(db, actor, data.task_id)
        if task.status in ("done", "cancelled"):
            raise Conflict(f"the task is {task.status}; nothing to remind", code="task_closed")
        at = at or _on_day(settings, task.due_date, "task")
        client_id = task.client_id
        staff_id = staff_id or task.assignee_id
        recipient = recipient or "staff"
    elif data.kind == "referral_follow_up":
        if data.referral_id is None:
            raise Invalid("referral_id", "a referral reminder names its referral")
        referral = await referrals.visible_referral(db, actor, data.referral_id)
        if referral.status in ("completed", "closed"):
            raise Conflict(
                f"the referral is {referral.status}; nothing to follow up", code="referral_closed"
            )
        at = at or _on_day(settings, referral.follow_up_on, "referral's follow-up")
        client_id = referral.client_id
        staff_id = staff_id or referral.referred_by
        recipient = recipient or "staff"
    else:
        if client_id is None:
            raise Invalid("client_id", "an appointment or follow-up reminder names the client")
        if at is None:
            raise Invalid("at", "when the appointment or follow-up is")
        recipient = recipient or "client"
        staff_id = staff_id or actor.user_id
    if recipient == "staff":
        assert staff_id is not None
        await tasks.check_assignee(db, actor, staff_id)
    send_at = at - dt.timedelta(minutes=data.lead_minutes)
    now = utcnow()
    notification_id = uuid.uuid4()
    notification = await repo.add(
        db,
        Notification(
            id=notification_id,
            agency_id=actor.agency_id,
            kind=data.kind,
            channel="email",
            recipient=recipient,
            staff_id=staff_id if recipient == "staff" else None,
            client_id=client_id,
            task_id=data.task_id,
            referral_id=data.referral_id,
            event_at=at,
            lead_minutes=data.lead_minutes,
            send_at=send_at,
            note=data.note,
            state="pending",
            next_attempt_at=send_at,
            attempts=0,
            message_id=message_id_for(notification_id, settings.smtp_sender),
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        ),
    )
    await audit(
        db,
        actor,
        "notification.scheduled",
        notification.id,
        client_id=str(client_id) if client_id else None,
        kind=data.kind,
        recipient=recipient,
    )
    log.info("notification.scheduled", notification_id=str(notification.id), kind=data.kind)
    return out(notification)


async def cancel(db: AsyncSession, actor: Principal, notification_id: uuid.UUID) -> NotificationOut:
    notification = await repo.get(db, actor.agency_id, notification_id)
    if notification is None:
        raise NotFound("no such notification")
    if notification.state != "pending":
        raise Conflict(
            f"the notification is {notification.state}; only a pending one can be cancelled",
            code="illegal_transition",
        )
    notification.state = "cancelled"
    notification.reason = "cancelled"
    notification.updated_at = utcnow()
    await repo.save(db)
    await audit(db, actor, "notification.cancelled", notification.id)
    return out(notification)


async def client_notifications(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID
) -> NotificationPage:
    found = await repo.of_client(db, actor.agency_id, client_id)
    await audit(
        db, actor, "client.notifications_viewed", None, client_id=str(client_id), count=len(found)
    )
    return NotificationPage(items=[out(n) for n in found])
