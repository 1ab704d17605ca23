"""Notifications: reminders to staff and clients, and their delivery log.

State machine: scheduled (`pending`, `send_at` in the future or now) → `sending`
(claimed by one scheduler run) → `sent`, or back to `pending` with a later
`next_attempt_at` after a failure worth retrying, or `failed` (attempts exhausted or
refused for good). A reminder that must not go (no email, no consent, task closed) is
`not_sent` with `reason`; one withdrawn by staff is `cancelled`.
"""

import datetime as dt
import uuid

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base

STATES = ("pending", "sending", "sent", "failed", "not_sent", "cancelled")
KINDS = ("task_due", "referral_follow_up", "appointment", "follow_up")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # The scheduler's look: due pending rows, and claims gone stale.
        Index("ix_notifications_due", "next_attempt_at", postgresql_where="state = 'pending'"),
        Index("ix_notifications_sending", "claimed_at", postgresql_where="state = 'sending'"),
        # A client's Notifications tab.
        Index("ix_notifications_client", "agency_id", "client_id", "send_at"),
        Index("ix_notifications_task_id", "task_id"),
        Index("ix_notifications_referral_id", "referral_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="email")
    # staff | client
    recipient: Mapped[str] = mapped_column(String(16))
    # The staff member reminded (recipient = staff).
    staff_id: Mapped[uuid.UUID | None]
    client_id: Mapped[uuid.UUID | None]
    task_id: Mapped[uuid.UUID | None]
    referral_id: Mapped[uuid.UUID | None]
    # When the thing happens (the appointment, the due date), and how long before it
    # the reminder goes.
    event_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lead_minutes: Mapped[int] = mapped_column(Integer)
    send_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Free text shown in the message (a place, what to bring).
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    # When the scheduler may look at it next (send_at, then retry times).
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Why it was not sent (a code, e.g. no_email) or why the last attempt failed.
    reason: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(200))
    # The language it was (or will be) written in: en | fr.
    language: Mapped[str | None] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
