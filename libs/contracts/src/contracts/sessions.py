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
    # Optional: absent from producers that predate them.
    # 1 as completed, +1 per amendment (0 while a draft).
    version: int | None = None
    updated_at: dt.datetime | None = None
    # The agency's own questions on the form: the set version answered and the answers.
    agency_set_version: int | None = None
    agency_answers: dict[str, Any] = Field(default_factory=dict)


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


class FormAmendment(BaseModel):
    """Who changed a completed form, when, why, and what changed."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # The form's version this amendment made (the version it replaced is one less).
    version: int
    reason: str
    amended_by: uuid.UUID
    amended_at: dt.datetime
    # `answers.<key>` / `agency_answers.<key>` whose value changed (never the values).
    changed_fields: list[str] = Field(default_factory=list)


class ServiceAmended(IntegrationEvent):
    """A completed service form was amended: the form as it now stands and its session,
    whole, and the amendment. Every earlier version stays readable in sessions."""

    routing_key: ClassVar[str] = "sessions.service.amended.v1"

    session: SessionRecord
    form: ServiceFormRecord
    amendment: FormAmendment


class NewcomerChildCare(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # iCARE "Age of newcomer child" and "Type of care" as their exact labels.
    age_group: str
    care_type: str


class LanguagePair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # iCARE language labels ("English", "Arabic" ...).
    from_language: str
    to_language: str


class SupportServicesRecord(BaseModel):
    """The support services one client received in one session."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: uuid.UUID
    client_id: uuid.UUID
    childminding: list[NewcomerChildCare] = Field(default_factory=list)
    transportation: bool = False
    disability_support: bool = False
    translation: LanguagePair | None = None
    interpretation: LanguagePair | None = None
    crisis_counselling: bool = False
    recorded_by: uuid.UUID
    updated_at: dt.datetime


class SupportServicesRecorded(IntegrationEvent):
    """Support services of a client in a session were recorded or changed: the record
    as it now stands (upsert on `session_id` + `client_id`) and its session, whole. No
    service received is a record with every service false/empty."""

    routing_key: ClassVar[str] = "sessions.support.recorded.v1"

    session: SessionRecord
    support: SupportServicesRecord
