import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Codes appear in reports and funder files: short, upper-case, no spaces.
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"),
    AfterValidator(str.upper),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    code: Code
    description: Description | None = None


class ProgramPatch(BaseModel):
    """Rename, describe, activate or deactivate; the code is permanent."""

    model_config = ConfigDict(extra="forbid")

    name: Title | None = None
    description: Description | None = None
    active: bool | None = None


class ProgramOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    name: str
    code: str
    description: str | None
    active: bool


class ProgramPage(BaseModel):
    items: list[ProgramOut]
