import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.inputs import CalendarDate

Need = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class FollowUpIn(BaseModel):
    """A task or a referral the form asks for; referrals creates it once the form is
    completed (or amended with it)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["task", "referral"]
    # What the task is, or the need the referral answers.
    need: Need
    note: Note | None = None
    due_date: CalendarDate | None = None
    # Referrals: internal (to another program of the agency) or external (to a partner,
    # by id when known, else by name).
    referral_kind: Literal["internal", "external"] | None = None
    to_program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    partner_name: Name | None = None
    assignee_id: uuid.UUID | None = None
    # The session's client it is for; may be left out when the session has one client.
    client_id: uuid.UUID | None = None


class FollowUpOut(BaseModel):
    # The id referrals receives as `request_id`.
    id: uuid.UUID
    position: int
    kind: Literal["task", "referral"]
    client_id: uuid.UUID
    need: str
    note: str | None
    due_date: dt.date | None
    referral_kind: Literal["internal", "external"] | None
    to_program_id: uuid.UUID | None
    partner_id: uuid.UUID | None
    partner_name: str | None
    assignee_id: uuid.UUID | None
    requested_by: uuid.UUID
    # When it was sent to referrals (None while the form is a draft).
    requested_at: dt.datetime | None


class ServiceFormCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form_key: str = Field(min_length=1, max_length=64)
    answers: dict[str, Any] = Field(default_factory=dict)
    # Answers to the agency's own questions on this form.
    agency_answers: dict[str, Any] = Field(default_factory=dict, max_length=500)
    # A draft is saved without its required answers and completed later.
    draft: bool = False
    # Private: its author and the author's manager only. Left out: as the session (a
    # form of a private session is always private).
    private: bool | None = None
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=20)


class ServiceFormUpdate(BaseModel):
    """A change to a draft. Answers given replace those keys (null, "" or [] clears
    one); keys left out keep their answers. `draft: false` completes the form."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(default_factory=dict)
    agency_answers: dict[str, Any] = Field(default_factory=dict, max_length=500)
    draft: bool | None = None
    private: bool | None = None
    # Given: the draft's follow-ups become these; left out: unchanged.
    follow_ups: list[FollowUpIn] | None = Field(default=None, max_length=20)


class AmendmentIn(BaseModel):
    """An amendment of a completed form: answers given replace those keys (null, "" or
    [] clears one), keys left out keep their answers; the previous version is kept.
    `follow_ups` are new requests, added to those the form already made."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    answers: dict[str, Any] = Field(default_factory=dict)
    agency_answers: dict[str, Any] = Field(default_factory=dict, max_length=500)
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=20)


class IcareWarning(BaseModel):
    """What iCARE would reject (or its rules expect) in an answer; saving goes ahead."""

    field: str  # answers.<question key>
    icare_field: str
    label: str
    code: str
    message: str


class ServiceFormOut(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any]
    agency_set_version: int | None = None
    agency_answers: dict[str, Any] = Field(default_factory=dict)
    author_id: uuid.UUID
    private: bool
    # 0 while a draft; 1 as completed; +1 per amendment.
    version: int = 0
    follow_ups: list[FollowUpOut] = Field(default_factory=list)
    # iCARE's checks on this form's answers (fix them now rather than at month end).
    icare_warnings: list[IcareWarning] = Field(default_factory=list)
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: uuid.UUID | None = None
    completed_at: dt.datetime | None


class ServiceFormList(BaseModel):
    items: list[ServiceFormOut]


class FormVersionOut(BaseModel):
    version: int
    change: Literal["completed", "amended"]
    reason: str | None
    changed_by: uuid.UUID
    changed_at: dt.datetime
    definition_version: int
    answers: dict[str, Any]
    agency_set_version: int | None
    agency_answers: dict[str, Any]


class FormHistory(BaseModel):
    form_id: uuid.UUID
    # Oldest first: the completed form, then every amendment.
    items: list[FormVersionOut]
