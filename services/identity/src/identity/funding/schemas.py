import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from identity.programs.schemas import Code, Title

Number = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class FunderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    code: Code


class FunderOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    name: str
    code: str


class FunderPage(BaseModel):
    items: list[FunderOut]


class AgreementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    funder_id: uuid.UUID
    agreement_number: Number
    title: Title
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    starts_on: date
    ends_on: date


class AgreementPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agreement_number: Number | None = None
    title: Title | None = None
    program_ids: list[uuid.UUID] | None = Field(default=None, max_length=200)
    starts_on: date | None = None
    ends_on: date | None = None


class AgreementOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    funder_id: uuid.UUID
    agreement_number: str
    title: str
    program_ids: list[uuid.UUID]
    starts_on: date
    ends_on: date


class AgreementPage(BaseModel):
    items: list[AgreementOut]
