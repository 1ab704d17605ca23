"""A client profile, its consent records and its family links."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


def _texts() -> Mapped[list[str]]:
    return mapped_column(ARRAY(Text), default=list)


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (
        # One profile per identifier in an agency (NULLs never collide).
        Index(
            "uq_clients_agency_identifier",
            "agency_id",
            "identifier_type",
            "identifier_value",
            unique=True,
        ),
        Index("ix_clients_agency_birth_date", "agency_id", "birth_date"),
        Index("ix_clients_agency_created_at", "agency_id", "created_at"),
        # Exact lookups of client search (migration 0002_name_keys).
        Index("ix_clients_agency_identifier_value", "agency_id", "identifier_value"),
        Index("ix_clients_agency_email", "agency_id", "email"),
        Index("ix_clients_agency_postal_code", "agency_id", "postal_code"),
        # Search and lists by program (migration 0005_client_programs).
        Index("ix_clients_program_ids", "program_ids", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16))  # named | anonymous

    # The privacy statement as it currently stands (history in `consents`).
    consent_status: Mapped[str] = mapped_column(String(16))  # given | withdrawn | none
    consent_statement_version: Mapped[str | None] = mapped_column(String(40))
    consent_language: Mapped[str | None] = mapped_column(String(100))
    consent_given_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_given_by: Mapped[uuid.UUID | None]
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_withdrawn_by: Mapped[uuid.UUID | None]
    research_consent: Mapped[str | None] = mapped_column(String(16))

    identifier_type: Mapped[str | None] = mapped_column(String(100))
    identifier_value: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_date_estimated: Mapped[bool] = mapped_column(default=False)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    other_names: Mapped[list[str]] = _texts()
    gender: Mapped[str | None] = mapped_column(String(100))
    phones: Mapped[list[str]] = _texts()
    # Digits only (the last ten of a North American number). Looked up through the
    # `client_phone_keys` b-tree (search.models), not this array (migration 0006).
    phone_keys: Mapped[list[str]] = _texts()
    has_email: Mapped[bool | None]
    email: Mapped[str | None] = mapped_column(String(320))
    street_number: Mapped[str | None] = mapped_column(String(20))
    street_name: Mapped[str | None] = mapped_column(String(100))
    street_type: Mapped[str | None] = mapped_column(String(100))
    street_direction: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    official_language: Mapped[str | None] = mapped_column(String(100))
    other_languages: Mapped[list[str]] = _texts()
    country_of_birth: Mapped[str | None] = mapped_column(String(100))
    citizenships: Mapped[list[str]] = _texts()
    immigration_status: Mapped[str | None] = mapped_column(String(200))
    immigration_category: Mapped[str | None] = mapped_column(String(200))
    arrival_date: Mapped[date | None] = mapped_column(Date)
    landing_date: Mapped[date | None] = mapped_column(Date)
    education_level: Mapped[str | None] = mapped_column(String(200))
    employment_status: Mapped[str | None] = mapped_column(String(200))
    marital_status: Mapped[str | None] = mapped_column(String(100))
    target_groups: Mapped[list[str]] = _texts()
    age_range: Mapped[str | None] = mapped_column(String(16))
    postal_area: Mapped[str | None] = mapped_column(String(3))
    # The agency's programs serving the client (ids of identity's programs, checked
    # against the local copies in `program_copies` when set). Not identifying.
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default=text("'{}'")
    )

    # active | merged (into `merged_into`, see clients.merges): hidden from lists and search.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    merged_into: Mapped[uuid.UUID | None]

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[uuid.UUID]

    @property
    def restricted(self) -> bool:
        """Consent withdrawn: identifying fields are kept but hidden from normal reads."""
        return self.consent_status == "withdrawn"


class ConsentRecord(Base):
    """Every time the privacy statement was accepted or withdrawn (append-only)."""

    __tablename__ = "client_consents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # given | withdrawn
    statement_version: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    by: Mapped[uuid.UUID]


class FamilyLinkRow(Base):
    """One direction of a family/household link; the other direction is its own row."""

    __tablename__ = "family_links"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    related_client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # What the related client is to this one.
    relationship: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[uuid.UUID]
