import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, SecretStr, StringConstraints

from kit.auth import Role

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Password = Annotated[SecretStr, Field(max_length=1024)]


class UserOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    email: str
    given_name: str
    family_name: str
    role: Role
    program_ids: list[uuid.UUID]
    manager_id: uuid.UUID | None
    active: bool
    mfa_enabled: bool
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserOut]


class NewStaff(BaseModel):
    """A person to create; without `initial_password` they are emailed a set-password link."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    given_name: Name
    family_name: Name
    initial_password: Password | None = None


class UserCreate(NewStaff):
    role: Role
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    manager_id: uuid.UUID | None = None


class UserPatch(BaseModel):
    """Only the fields sent change; `manager_id: null` removes the manager."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    role: Role | None = None
    manager_id: uuid.UUID | None = None


class ProgramIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_ids: list[uuid.UUID] = Field(max_length=200)
