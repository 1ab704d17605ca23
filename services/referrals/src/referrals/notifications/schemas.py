import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.inputs import CalendarDateTime

NotificationKind = Literal["task_due", "referral_follow_up", "appointment", "follow_up"]
Recipient = Literal["staff", "client"]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
# Up to 60 days ahead.
LeadMinutes = Annotated[int, Field(ge=0, le=60 * 24 * 60)]


class ReminderCreate(BaseModel):
    """An email reminder `lead_minutes` before `at`.

    - task_due: `task_id`; to the assignee (staff), at the task's due date (09:00) unless
      `at` is given;
    - referral_follow_up: `referral_id`; to the referring worker (staff) or the client,
      at the follow-up date (09:00) unless `at` is given;
    - appointment / follow_up: `client_id` and `at`; to the client (or a staff member).
    """

    model_config = ConfigDict(extra="forbid")

    kind: NotificationKind
    recipient: Recipient | None = None
    task_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    # Staff recipient other than the default one (assignee, referrer, yourself).
    staff_id: uuid.UUID | None = None
    at: CalendarDateTime | None = None
    lead_minutes: LeadMinutes = 24 * 60
    note: Note | None = None


class NotificationOut(BaseModel):
    id: uuid.UUID
    kind: str
    channel: str
    recipient: str
    staff_id: uuid.UUID | None
    client_id: uuid.UUID | None
    task_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    event_at: dt.datetime
    lead_minutes: int
    send_at: dt.datetime
    # pending | sending | sent | failed | not_sent | cancelled
    state: str
    # The check-mark: the email went out (sent_at says when).
    sent: bool
    sent_at: dt.datetime | None
    # Why it was not sent or why it failed: a code and its explanation.
    reason: str | None
    reason_text: str | None
    attempts: int
    language: str | None
    subject: str | None
    created_at: dt.datetime


class NotificationPage(BaseModel):
    items: list[NotificationOut]
