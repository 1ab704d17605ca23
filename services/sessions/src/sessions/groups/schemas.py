import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# A group holds at most this many named attendees (as a session holds clients).
MAX_NAMED = 500
MAX_ANONYMOUS = 10_000

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AttendeesAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_NAMED)


class AnonymousCount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=0, le=MAX_ANONYMOUS)


class AttendeeFormSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(default_factory=dict)
    # A draft is saved without its required answers and completed later.
    draft: bool = False
    # Why a completed form is changed (an amendment); required then, refused otherwise.
    reason: Reason | None = None


class FormVersionOut(BaseModel):
    version: int
    definition_version: int
    answers: dict[str, Any]
    saved_by: uuid.UUID
    saved_at: dt.datetime
    reason: str | None


class AttendeeFormOut(BaseModel):
    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any]
    author_id: uuid.UUID
    updated_by: uuid.UUID
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    private: bool
    versions: list[FormVersionOut]


class AttendeeOut(BaseModel):
    client_id: uuid.UUID
    added_by: uuid.UUID
    added_at: dt.datetime
    form: AttendeeFormOut | None


class GroupAttendanceOut(BaseModel):
    session_id: uuid.UUID
    session_type: str
    # The group's own form (presenter, evaluations, service rating: POST
    # /sessions/{id}/forms) and each named attendee's form.
    group_form_key: str
    attendee_form_key: str
    private: bool
    attendees: list[AttendeeOut]
    named_count: int
    anonymous_count: int
    total_count: int
