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
