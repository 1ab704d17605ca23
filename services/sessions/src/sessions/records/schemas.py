import datetime as dt
import re
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from kit.inputs import CalendarDate
from sessions.forms.catalog import SESSION_TYPES

DeliveryMode = Literal["in_person", "phone", "email", "online"]
SessionType = Literal[
    "direct_service",
    "direct_service_job_development",
    "direct_service_finance",
    "language_training",
    "cc_group_activity",
    "io_group_activity",
    "employment_group_activity",
]
# One client exactly, for these types; the group types take attendees.
DIRECT_SERVICE_TYPES = frozenset(
    {"direct_service", "direct_service_job_development", "direct_service_finance"}
)
assert set(SessionType.__args__) == set(SESSION_TYPES)  # type: ignore[attr-defined]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
_POSTAL = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")


def _wall_clock(value: dt.time) -> dt.time:
    # A session's times are the agency's local wall-clock times (a `time without time
    # zone` column). A UTC offset, or a number (pydantic reads it as seconds since
    # midnight UTC), would make an aware time that cannot be compared with a plain one.
    if value.tzinfo is not None:
        raise ValueError("a local time of day such as 10:30, without a UTC offset")
    return value


WallClockTime = Annotated[dt.time, AfterValidator(_wall_clock)]


class Funder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = None
    name: Text


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: SessionType
    date: CalendarDate
    start_time: WallClockTime
    end_time: WallClockTime
    location: Text | None = None
    postal_code: str | None = None
    delivery_mode: DeliveryMode
    language_of_service: Language
    program_id: uuid.UUID
    funders: list[Funder] = Field(default_factory=list, max_length=20)
    client_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    private: bool = False

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        compact = re.sub(r"\s+", "", value).upper()
        if not compact:
            return None
        if not _POSTAL.match(compact):
            raise ValueError("a Canadian postal code: A#A#A#")
        return compact


class SessionOut(BaseModel):
    id: uuid.UUID
    type: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str | None
    postal_code: str | None
    delivery_mode: str
    language_of_service: str
    worker_id: uuid.UUID
    program_id: uuid.UUID
    funders: list[Funder]
    client_ids: list[uuid.UUID]
    private: bool
    created_at: dt.datetime


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_offset: int | None
