"""Events published by referrals. Each carries the whole referral (or task) as it now
stands, so a consumer keeps its own copy by upserting on `id` and ignores a `version`
older than the one it holds (and never calls referrals back).

A referral is internal (to another program of the agency, `to_program_id`) or external
(to a partner organisation of the agency's directory: `partner_id` when it is in the
directory, `partner_name` always). Its status follows the loop sent → accepted |
declined → service_started → completed | closed; `outcome` says how it ended.
"""

import datetime as dt
import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

ReferralKind = Literal["internal", "external"]
ReferralStatus = Literal["sent", "accepted", "declined", "service_started", "completed", "closed"]


class ReferralRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    client_id: uuid.UUID
    kind: ReferralKind
    to_program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    partner_name: str | None = None
    # The need the referral answers.
    need: str
    status: ReferralStatus
    outcome: str | None = None
    referred_by: uuid.UUID
    # The referring program.
    program_id: uuid.UUID | None = None
    follow_up_on: dt.date | None = None
    private: bool = False
    # The service form (and session) that asked for it, and sessions' request id.
    form_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    request_id: uuid.UUID | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    # Increases with every change.
    version: int


class ReferralCreated(IntegrationEvent):
    routing_key: ClassVar[str] = "referrals.referral.created.v1"

    referral: ReferralRecord


class ReferralUpdated(IntegrationEvent):
    """Any change (status included); `changed_fields` names what changed (never values)."""

    routing_key: ClassVar[str] = "referrals.referral.updated.v1"

    referral: ReferralRecord
    changed_fields: list[str] = Field(default_factory=list)
    # The status before this change, when the status changed.
    previous_status: ReferralStatus | None = None


# --- tasks ------------------------------------------------------------------------------

TaskStatus = Literal["open", "in_progress", "done", "cancelled"]
TaskPriority = Literal["low", "normal", "high", "urgent"]


class TaskRecord(BaseModel):
    """A task as it now stands: a piece of follow-up work on a client, assigned to a
    staff member. No free text: neither the title, the description nor the comments."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    client_id: uuid.UUID
    # The service form (and session) that asked for it, and sessions' request id.
    form_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    request_id: uuid.UUID | None = None
    assignee_id: uuid.UUID
    created_by: uuid.UUID
    # The program the task belongs to.
    program_id: uuid.UUID | None = None
    due_date: dt.date | None = None
    priority: TaskPriority
    # open → in_progress → done | cancelled (done and cancelled may be reopened).
    status: TaskStatus
    private: bool = False
    # When it was last marked done / cancelled (None unless it is now).
    completed_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    # Increases with every change.
    version: int


class TaskCreated(IntegrationEvent):
    routing_key: ClassVar[str] = "referrals.task.created.v1"

    task: TaskRecord


class TaskUpdated(IntegrationEvent):
    """Any change (status included); `changed_fields` names what changed (never values)."""

    routing_key: ClassVar[str] = "referrals.task.updated.v1"

    task: TaskRecord
    changed_fields: list[str] = Field(default_factory=list)
    # The status before this change, when the status changed.
    previous_status: TaskStatus | None = None
