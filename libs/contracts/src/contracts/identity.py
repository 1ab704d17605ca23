"""Events published by identity. Each carries the whole new state of what changed, so a
consumer keeps its own copy by upserting on `id` (and never calls identity back).

`agency_id` (from the base) is the agency the entity belongs to; for a partnership it
is the proposing agency, and `partner_agency_id` the other one.
"""

import uuid
from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import IntegrationEvent

StaffRole = Literal["caseworker", "manager", "agency_admin", "platform_admin"]


class PartnershipShare(StrEnum):
    """What a trusted partnership lets the partner agency see."""

    CLIENT_PROFILE = "client_profile"
    SERVICE_HISTORY = "service_history"
    REFERRALS = "referrals"


class PartnershipStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    REVOKED = "revoked"


class AgencyCreated(IntegrationEvent):
    routing_key: ClassVar[str] = "identity.agency.created.v1"

    name: str
    code: str
    active: bool


class _UserState(IntegrationEvent):
    id: uuid.UUID
    email: str
    given_name: str
    family_name: str
    role: StaffRole
    program_ids: list[uuid.UUID] = Field(default_factory=list)
    manager_id: uuid.UUID | None = None
    active: bool


class UserUpdated(_UserState):
    """Any change to a staff member (created, edited, programs, (re)activated)."""

    routing_key: ClassVar[str] = "identity.user.updated.v1"


class UserDeactivated(_UserState):
    """Published beside `UserUpdated` when a user loses access: revoke what they hold."""

    routing_key: ClassVar[str] = "identity.user.deactivated.v1"


class ProgramUpdated(IntegrationEvent):
    routing_key: ClassVar[str] = "identity.program.updated.v1"

    id: uuid.UUID
    name: str
    code: str
    description: str | None = None
    active: bool


class FundingAgreementUpdated(IntegrationEvent):
    routing_key: ClassVar[str] = "identity.funding_agreement.updated.v1"

    id: uuid.UUID
    funder_id: uuid.UUID
    funder_code: str
    funder_name: str
    agreement_number: str
    title: str
    program_ids: list[uuid.UUID] = Field(default_factory=list)
    starts_on: date
    ends_on: date


class PartnershipUpdated(IntegrationEvent):
    routing_key: ClassVar[str] = "identity.partnership.updated.v1"

    id: uuid.UUID
    partner_agency_id: uuid.UUID
    status: PartnershipStatus
    shares: list[PartnershipShare]
    starts_on: date
    ends_on: date | None = None
