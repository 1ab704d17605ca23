import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.identity import PartnershipShare, PartnershipStatus


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_agency_id: uuid.UUID
    shares: list[PartnershipShare] = Field(min_length=1, max_length=20)
    starts_on: date
    ends_on: date | None = None


class PartnershipOut(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    agency_name: str | None
    partner_agency_id: uuid.UUID
    partner_agency_name: str | None
    status: PartnershipStatus
    shares: list[PartnershipShare]
    starts_on: date
    ends_on: date | None
    created_at: datetime
    decided_at: datetime | None
    revoked_at: datetime | None


class PartnershipPage(BaseModel):
    items: list[PartnershipOut]
