import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from clients.questions.schemas import AnswersIn, ProfileAnswers

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]  # exact, not stripped
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
MAX_PROGRAMS = 50


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None
    ) = None
    street_name: Short | None = None
    street_type: Label | None = None
    street_direction: Label | None = None
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    city: Short | None = None
    province: Label | None = None
    postal_code: Annotated[str, StringConstraints(max_length=10)] | None = None


class ProfileFields(BaseModel):
    """Every field of a profile; all optional, because a profile is filled over time.

    In a PATCH, a field left out is unchanged and a field sent as null is cleared;
    lists are replaced whole. `address` is merged field by field.
    """

    model_config = ConfigDict(extra="forbid")

    research_consent: Label | None = None
    identifier_type: Label | None = None
    identifier_value: Annotated[str, StringConstraints(max_length=40)] | None = None
    birth_date: date | None = None
    birth_date_estimated: bool | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    preferred_name: Name | None = None
    other_names: list[Name] | None = Field(default=None, max_length=20)
    gender: Label | None = None
    phones: list[Phone] | None = Field(default=None, max_length=10)
    has_email: bool | None = None
    email: EmailStr | None = None
    address: AddressIn | None = None
    official_language: Label | None = None
    other_languages: list[Label] | None = Field(default=None, max_length=30)
    country_of_birth: Label | None = None
    citizenships: list[Label] | None = Field(default=None, max_length=5)
    immigration_status: Label | None = None
    immigration_category: Label | None = None
    arrival_date: date | None = None
    landing_date: date | None = None
    education_level: Label | None = None
    employment_status: Label | None = None
    marital_status: Label | None = None
    target_groups: list[Label] | None = Field(default=None, max_length=30)
    # The agency's programs serving the client (named and anonymous profiles alike).
    program_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_PROGRAMS)
    # Anonymous profiles only.
    age_range: Label | None = None
    postal_area: Annotated[str, StringConstraints(max_length=10)] | None = None


class ProfileUpdate(ProfileFields):
    """A partial save (PATCH): profile fields, and answers to the agency's questions."""

    answers: AnswersIn | None = None


class ConsentIn(BaseModel):
    """The privacy statement the client accepted: which version, in which language."""

    model_config = ConfigDict(extra="forbid")

    statement_version: Version
    language: Label


class NamedCreate(ProfileFields):
    consent: ConsentIn


class AnonymousCreate(BaseModel):
    """Only what identifies nobody."""

    model_config = ConfigDict(extra="forbid")

    age_range: Label | None = None
    gender: Label | None = None
    official_language: Label | None = None
    other_languages: list[Label] | None = Field(default=None, max_length=30)
    immigration_category: Label | None = None
    # A full postal code is accepted and cut to its first three characters.
    postal_area: Annotated[str, StringConstraints(max_length=10)] | None = None
    program_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_PROGRAMS)


class ConvertIn(BaseModel):
    """An anonymous client consents: the profile becomes named, same id."""

    model_config = ConfigDict(extra="forbid")

    consent: ConsentIn
    profile: ProfileFields = Field(default_factory=ProfileFields)


class FamilyLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    # What that client is to this one.
    relationship: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class AddressOut(BaseModel):
    street_number: str | None = None
    street_name: str | None = None
    street_type: str | None = None
    street_direction: str | None = None
    unit: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None


class ConsentOut(BaseModel):
    status: Literal["given", "withdrawn", "none"]
    statement_version: str | None
    language: str | None
    given_at: datetime | None
    given_by: uuid.UUID | None
    withdrawn_at: datetime | None
    withdrawn_by: uuid.UUID | None


class FamilyLinkOut(BaseModel):
    client_id: uuid.UUID
    relationship: str


class Completeness(BaseModel):
    percent: int
    # iCARE marks these mandatory: the client cannot be reported without them.
    missing_icare_required: list[str]
    missing_recommended: list[str]


class ClientOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    kind: Literal["named", "anonymous"]
    # Consent withdrawn: `hidden_fields` are kept but not shown.
    restricted: bool
    hidden_fields: list[str]
    consent: ConsentOut
    research_consent: str | None
    identifier_type: str | None
    identifier_value: str | None
    birth_date: date | None
    birth_date_estimated: bool
    given_name: str | None
    family_name: str | None
    preferred_name: str | None
    other_names: list[str]
    gender: str | None
    phones: list[str]
    has_email: bool | None
    email: str | None
    address: AddressOut
    official_language: str | None
    other_languages: list[str]
    country_of_birth: str | None
    citizenships: list[str]
    immigration_status: str | None
    immigration_category: str | None
    arrival_date: date | None
    landing_date: date | None
    education_level: str | None
    employment_status: str | None
    marital_status: str | None
    target_groups: list[str]
    age_range: str | None
    postal_area: str | None
    # The agency's programs serving the client (ids; names from identity).
    program_ids: list[uuid.UUID] = Field(default_factory=list)
    family: list[FamilyLinkOut]
    completeness: Completeness
    # The agency's own questions answered: on reads and saves (GET and PATCH).
    answers: ProfileAnswers | None = None
    # `merged`: this profile was merged into `merged_into` (read it there); it is gone
    # from lists, search and duplicate suggestions and cannot change.
    status: Literal["active", "merged"] = "active"
    merged_into: uuid.UUID | None = None
    # Fields whose value came from a merge: the id of the profile it came from.
    provenance: dict[str, uuid.UUID] = Field(default_factory=dict)
    version: int
    created_at: datetime
    created_by: uuid.UUID
    updated_at: datetime
    updated_by: uuid.UUID


class ClientSummary(BaseModel):
    """A row of a client list: enough to pick the right person."""

    id: uuid.UUID
    kind: Literal["named", "anonymous"]
    restricted: bool
    given_name: str | None
    family_name: str | None
    birth_date: date | None
    age_range: str | None
    identifier_type: str | None
    identifier_value: str | None
    program_ids: list[uuid.UUID] = Field(default_factory=list)


class ClientPage(BaseModel):
    items: list[ClientSummary]
    # Pass as `offset` for the next page; None on the last one.
    next_offset: int | None
