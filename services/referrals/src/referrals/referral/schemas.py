import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.inputs import CalendarDate

ReferralKind = Literal["internal", "external"]
ReferralStatus = Literal["sent", "accepted", "declined", "service_started", "completed", "closed"]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    kind: ReferralKind
    # internal: the agency's program the client is referred to.
    to_program_id: uuid.UUID | None = None
    # external: a partner of the agency's directory.
    partner_id: uuid.UUID | None = None
    # The need the referral answers.
    need: LongText
    note: LongText | None = None
    # The referring program: one of yours; yours when you have exactly one.
    program_id: uuid.UUID | None = None
    follow_up_on: CalendarDate | None = None
    form_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    private: bool = False


class ReferralUpdate(BaseModel):
    """Follow-up date and note; only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    follow_up_on: CalendarDate | None = None
    note: LongText | None = None
    need: LongText | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus
    # Required to complete or close; what came of the referral.
    outcome: LongText | None = None
    note: LongText | None = None
    # The next follow-up, when the change calls for one.
    follow_up_on: CalendarDate | None = None


class StatusChangeOut(BaseModel):
    from_status: str | None
    to_status: str
    note: str | None
    changed_by: uuid.UUID
    changed_at: dt.datetime


class ReferralOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    kind: str
    to_program_id: uuid.UUID | None
    partner_id: uuid.UUID | None
    partner_name: str | None
    need: str
    note: str | None
    status: str
    outcome: str | None
    referred_by: uuid.UUID
    program_id: uuid.UUID | None
    follow_up_on: dt.date | None
    follow_up_due: bool
    private: bool
    form_id: uuid.UUID | None
    session_id: uuid.UUID | None
    request_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    history: list[StatusChangeOut] = Field(default_factory=list)


class ReferralPage(BaseModel):
    items: list[ReferralOut]
    next_offset: int | None
