import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class PartnerIn(BaseModel):
    """A directory entry, whole (create and replace)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    services_offered: list[Name] = Field(default_factory=list, max_length=50)
    contact_name: Name | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    website: Line | None = None
    address: Line | None = None
    languages: list[Short] = Field(default_factory=list, max_length=50)
    eligibility: LongText | None = None
    active: bool = True


class PartnerOut(BaseModel):
    id: uuid.UUID
    name: str
    services_offered: list[str]
    contact_name: str | None
    email: str | None
    phone: str | None
    website: str | None
    address: str | None
    languages: list[str]
    eligibility: str | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class PartnerPage(BaseModel):
    items: list[PartnerOut]
