"""Events published by sessions. Each carries the whole record as it now stands, so a
consumer keeps its own copy by upserting on the form's `id` (and never calls back).

Answers are keyed by the form definition's question keys (`form_key` at
`definition_version`): text, dates (YYYY-MM-DD) and choice keys as strings, yes/no as
booleans, whole numbers as integers, other numbers as decimal strings, multiple choice
as lists of keys.
"""

import datetime as dt
import uuid
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

DeliveryMode = Literal["in_person", "phone", "email", "online"]


class SessionFunder(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # identity's funder id when known; the name as shown on the session.
    id: uuid.UUID | None = None
    name: str


class SessionRecord(BaseModel):
    """The when/where/who of a service."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    type: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str | None = None
    # Where the service was received: A#A#A#, upper case, no space.
    postal_code: str | None = None
    delivery_mode: DeliveryMode
    language_of_service: str
    worker_id: uuid.UUID
    program_id: uuid.UUID
    funders: list[SessionFunder] = Field(default_factory=list)
    client_ids: list[uuid.UUID] = Field(default_factory=list)
    private: bool = False
    created_at: dt.datetime


class ServiceFormRecord(BaseModel):
    """One service form of a session."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    session_id: uuid.UUID
    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any] = Field(default_factory=dict)
    author_id: uuid.UUID
    private: bool = False
    created_at: dt.datetime
    completed_at: dt.datetime | None = None


class ServiceRecorded(IntegrationEvent):
    """A service form was completed: the form and its session, whole."""

    routing_key: ClassVar[str] = "sessions.service.recorded.v1"

    session: SessionRecord
    form: ServiceFormRecord


FollowUpKind = Literal["task", "referral"]
ReferralKind = Literal["internal", "external"]


class FollowUpRequested(IntegrationEvent):
    """A service form asked for a task or a referral; referrals owns them from here.

    `request_id` is stable for one request of one form (the same id however often the
    event is delivered or the form is amended), so the consumer creates it once.
    """

    routing_key: ClassVar[str] = "sessions.follow_up.requested.v1"

    request_id: uuid.UUID
    kind: FollowUpKind
    session_id: uuid.UUID
    form_id: uuid.UUID
    form_key: str
    client_id: uuid.UUID
    program_id: uuid.UUID
    # The worker who completed the form; the task's assignee unless `assignee_id` is set.
    requested_by: uuid.UUID
    assignee_id: uuid.UUID | None = None
    # What the task is, or the need the referral answers.
    need: str
    note: str | None = None
    due_date: dt.date | None = None
    # Referrals only: internal to another program of the agency, or external to a partner
    # of the agency's directory (by id when known, else by name).
    referral_kind: ReferralKind | None = None
    to_program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    partner_name: str | None = None
    private: bool = False
