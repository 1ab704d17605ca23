"""Events published by clients. Each carries the whole profile as it now stands, so a
consumer keeps its own copy by upserting on `id` (and never calls clients back).

A profile whose consent was withdrawn is published restricted: `restricted` is true and
every identifying field is null, so consumers' copies lose them too. An anonymous
profile never carries identifying fields; it has `age_range` and `postal_area` instead.
Values of iCARE-listed fields are iCARE's exact English labels.
"""

import uuid
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

ClientKind = Literal["named", "anonymous"]
ConsentStatus = Literal["given", "withdrawn", "none"]


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    street_number: str | None = None
    street_name: str | None = None
    street_type: str | None = None
    street_direction: str | None = None
    unit: str | None = None
    city: str | None = None
    province: str | None = None
    # A#A#A#: upper case, no space.
    postal_code: str | None = None


class FamilyLink(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: uuid.UUID
    # What the linked client is to this one ("spouse", "child", "parent", ...).
    relationship: str


class Consent(BaseModel):
    """The privacy statement the client accepted (or the withdrawal of it)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    status: ConsentStatus
    statement_version: str | None = None
    language: str | None = None
    given_at: datetime | None = None
    given_by: uuid.UUID | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: uuid.UUID | None = None


class ClientAnswers(BaseModel):
    """The client's answers to the agency's own questions on the profile.

    `values` by question key: text, dates (YYYY-MM-DD) and choice keys as strings,
    yes/no as booleans, whole numbers as integers, other numbers as decimal strings,
    multiple choice as lists of keys; answers to retired questions are kept. Empty
    while the profile is restricted. `version` is the agency's question set version
    they were last saved under (None: never answered); `draft`: saved without its
    required questions.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int | None = None
    values: dict[str, Any] = Field(default_factory=dict)
    draft: bool = True


class ClientProfile(BaseModel):
    """A whole client profile, as every clients event carries it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    kind: ClientKind
    restricted: bool
    consent: Consent
    # iCARE "Consent for Future Research/Consultation": "Yes"/"No", None when not asked.
    research_consent: str | None = None
    identifier_type: str | None = None
    identifier_value: str | None = None
    birth_date: date | None = None
    birth_date_estimated: bool = False
    given_name: str | None = None
    family_name: str | None = None
    preferred_name: str | None = None
    other_names: list[str] = Field(default_factory=list)
    gender: str | None = None
    phones: list[str] = Field(default_factory=list)
    has_email: bool | None = None
    email: str | None = None
    address: Address = Field(default_factory=Address)
    official_language: str | None = None
    other_languages: list[str] = Field(default_factory=list)
    country_of_birth: str | None = None
    citizenships: list[str] = Field(default_factory=list)
    immigration_status: str | None = None
    immigration_category: str | None = None
    arrival_date: date | None = None
    landing_date: date | None = None
    education_level: str | None = None
    employment_status: str | None = None
    marital_status: str | None = None
    target_groups: list[str] = Field(default_factory=list)
    # Anonymous profiles: an age range instead of a date of birth, and the first three
    # characters of the postal code instead of an address.
    age_range: str | None = None
    postal_area: str | None = None
    # The agency's programs serving the client (identity's program ids; not identifying,
    # so kept while restricted). Empty from producers that predate it.
    program_ids: list[uuid.UUID] = Field(default_factory=list)
    family: list[FamilyLink] = Field(default_factory=list)
    registered_at: datetime
    registered_by: uuid.UUID
    updated_at: datetime
    # Increases with every change: a consumer ignores a state older than the one it holds.
    version: int


class _ClientState(ClientProfile, IntegrationEvent):
    """An event whose body is the profile itself."""


class ClientRegistered(_ClientState):
    routing_key: ClassVar[str] = "clients.client.registered.v1"


class ClientUpdated(_ClientState):
    """Any change to the profile; `changed_fields` names what changed (never values)."""

    routing_key: ClassVar[str] = "clients.client.updated.v1"

    changed_fields: list[str] = Field(default_factory=list)
    # The agency's questions answered (`answers.<key>` in `changed_fields` when they
    # changed). None from producers that predate them: keep the copy you hold.
    answers: ClientAnswers | None = None


class ClientConsentChanged(_ClientState):
    """Consent given again or withdrawn; `consent` holds the new state."""

    routing_key: ClassVar[str] = "clients.client.consent_changed.v1"


class ClientConverted(_ClientState):
    """An anonymous profile became a named one (same id, its history kept)."""

    routing_key: ClassVar[str] = "clients.client.converted.v1"


class ClientMerged(IntegrationEvent):
    """Two profiles of one person were merged: `absorbed_id` is no more (it points at the
    survivor). Re-point every record you hold for `absorbed_id` to `survivor.id`, and
    upsert `survivor` (its new whole state). `provenance` names, per field, the profile
    its value came from. Undone by `clients.client.unmerged.v1` with the same `merge_id`.
    """

    routing_key: ClassVar[str] = "clients.client.merged.v1"

    merge_id: uuid.UUID
    survivor: ClientProfile
    absorbed_id: uuid.UUID
    provenance: dict[str, uuid.UUID] = Field(default_factory=dict)


class ClientUnmerged(IntegrationEvent):
    """A merge was undone: both profiles stand again as they were before it. Records
    re-pointed on `clients.client.merged.v1` (same `merge_id`) go back to `restored.id`
    if they were the absorbed profile's; upsert both profiles."""

    routing_key: ClassVar[str] = "clients.client.unmerged.v1"

    merge_id: uuid.UUID
    survivor: ClientProfile
    restored: ClientProfile
